import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { validateCronExpression } from 'cron';
import { AppConfig } from './app-config.js';
import { parseDuration } from './duration.js';
import { parsePushEndpoints, parseVapid, readFcmServiceAccount, readPemFile } from './push-settings.js';
import { redactCredentials, SECRET_VARIABLES } from './redact.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

const EVERY_15_MINUTES = '*/15 * * * *';
// "pgbouncer" and "transaction" name the same mode: a server connection per transaction.
const POOLERS = ['none', 'pgbouncer', 'transaction'];
// Each worker holds its own pool and bus connection: past this, max_connections runs out first.
const MAX_WORKERS = 64;
const LOG_LEVELS: readonly AppConfig['logLevel'][] = ['error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Reads every variable of README's Configuration, collecting all problems before failing so that one
 * start names every bad variable at once.
 */
export function loadConfig(env: Environment): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const fail = <T>(name: string, why: string, fallback: T): T => {
    // A message that stops the process lands in logs: it never repeats a secret.
    const shown = SECRET_VARIABLES.has(name) ? 'a value that is not shown' : JSON.stringify(redactCredentials(env[name] ?? ''));
    problems.push(`${name}: ${why} (got ${shown})`);
    return fallback;
  };
  const duration = (name: string, fallback: string): number => {
    const text = read(name) ?? fallback;
    return parseDuration(text) ?? fail(name, 'expected a duration such as 500ms, 30s, 15m, 12h or 30d', 0);
  };
  // For waits and timeouts, where zero would mean a busy loop or an attempt that always fails.
  const positiveDuration = (name: string, fallback: string): number => {
    const ms = duration(name, fallback);
    return ms === 0 && parseDuration(read(name) ?? fallback) === 0 ? fail(name, 'expected a duration above zero', 0) : ms;
  };
  // Expired notifications are deleted within a minute of their expiry (docs/lifecycle.md#expiry).
  const sweepInterval = (): number => {
    const ms = positiveDuration('EXPIRY_SWEEP_INTERVAL', '30s');
    return ms > 60_000 ? fail('EXPIRY_SWEEP_INTERVAL', 'expected at most 60s', 30_000) : ms;
  };
  const optionalDuration = (name: string): number | undefined =>
    read(name) === undefined ? undefined : duration(name, '');
  const positiveInteger = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
    const text = read(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    return /^\d+$/.test(text) && value >= 1 && value <= max ? value : fail(name, `expected an integer from 1 to ${max}`, fallback);
  };
  const httpUrl = (name: string): string | undefined => {
    const text = read(name);
    if (text === undefined) return undefined;
    return isHttpUrl(text) ? text.replace(/\/+$/, '') : fail(name, 'expected an http(s) URL', undefined);
  };
  const boolean = (name: string, fallback: boolean): boolean => {
    const text = read(name)?.toLowerCase();
    if (text === undefined) return fallback;
    if (['true', '1', 'yes'].includes(text)) return true;
    if (['false', '0', 'no'].includes(text)) return false;
    return fail(name, 'expected true or false', fallback);
  };

  const production = read('NODE_ENV') === 'production';
  const port = read('PORT') === undefined ? 3000 : positiveInteger('PORT', 3000, 65535);

  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    fail('DATABASE_URL', 'expected a postgres:// or postgresql:// URL', undefined);
  }

  const databaseListenUrl = read('DATABASE_LISTEN_URL');
  if (databaseListenUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseListenUrl)) {
    fail('DATABASE_LISTEN_URL', 'expected a postgres:// or postgresql:// URL', undefined);
  }
  const pooler = read('DATABASE_POOLER')?.toLowerCase();
  if (pooler !== undefined && !POOLERS.includes(pooler)) fail('DATABASE_POOLER', `expected one of ${POOLERS.join(', ')}`, undefined);
  const databasePooler = pooler !== undefined && pooler !== 'none';
  if (databasePooler && databaseUrl === undefined) fail('DATABASE_POOLER', 'a pooler needs DATABASE_URL (the pooler) and DATABASE_LISTEN_URL (the server)', undefined);
  if (databasePooler && databaseListenUrl === undefined) {
    fail('DATABASE_POOLER', 'behind a transaction pooler LISTEN needs a direct session connection: set DATABASE_LISTEN_URL', undefined);
  }

  const workersText = read('WORKERS')?.toLowerCase() ?? '1';
  const workers =
    workersText === 'auto'
      ? availableParallelism()
      : /^\d+$/.test(workersText) && Number(workersText) >= 1 && Number(workersText) <= MAX_WORKERS
        ? Number(workersText)
        : fail('WORKERS', `expected "auto" (one per core) or an integer from 1 to ${MAX_WORKERS}`, 1);

  const list = (name: string): string[] =>
    (read(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  // Several tokens at once let a rotation overlap: add the new one, move clients, drop the old.
  const appTokens = [...new Set([read('APP_TOKEN') ?? read('AUTH_TOKEN'), ...list('APP_TOKENS')].filter((token) => token !== undefined))];
  if (appTokens.length === 0 && production) {
    problems.push('APP_TOKEN: required when NODE_ENV=production (alias AUTH_TOKEN, or a comma list in APP_TOKENS)');
  }
  const readOnlyTokens = list('APP_READONLY_TOKENS');
  if (readOnlyTokens.some((token) => appTokens.includes(token))) {
    fail('APP_READONLY_TOKENS', 'a token cannot be both read-only and in APP_TOKEN/APP_TOKENS', undefined);
  }
  const generatedToken = appTokens.length === 0 ? randomBytes(24).toString('base64url') : undefined;

  const origins = read('ALLOWED_ORIGINS')
    ?.split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter((origin) => origin !== '');
  for (const origin of origins ?? []) {
    if (!isHttpUrl(origin)) fail('ALLOWED_ORIGINS', `"${origin}" is not an http(s) origin`, undefined);
  }
  // In the form browsers send in Origin (lower-cased host, default port dropped), so that
  // checking one is a set lookup.
  const allowedOrigins = origins?.length ? new Set(origins.filter(isHttpUrl).map((origin) => new URL(origin).origin)) : undefined;

  const retentionCron = read('RETENTION_CRON') ?? EVERY_15_MINUTES;
  if (retentionCron !== 'off' && !validateCronExpression(retentionCron).valid) {
    fail('RETENTION_CRON', 'expected a cron expression (5 or 6 fields) or "off"', undefined);
  }

  const logLevel = (read('LOG_LEVEL') ?? 'log').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as AppConfig['logLevel'])) fail('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}`, undefined);

  const publicUrl = httpUrl('PUBLIC_URL') ?? `http://localhost:${port}`;
  const problemOf = (name: string) => (why: string) => fail(name, why, undefined);

  const config = new AppConfig({
    production,
    port,
    databaseUrl,
    dataDir: read('DATA_DIR') ?? './data',
    appToken: generatedToken ?? appTokens[0],
    appTokens: generatedToken === undefined ? appTokens : [generatedToken],
    readOnlyTokens,
    appTokenGenerated: generatedToken !== undefined,
    authDelegateUrl: httpUrl('AUTH_DELEGATE_URL'),
    authDelegateTimeoutMs: positiveInteger('AUTH_DELEGATE_TIMEOUT_MS', 3000),
    allowedOrigins,
    seenRetentionMs: duration('SEEN_RETENTION', '30d'),
    unseenRetentionMs: optionalDuration('UNSEEN_RETENTION'),
    changeRetentionMs: duration('CHANGE_RETENTION', '7d'),
    retentionCron: retentionCron === 'off' ? undefined : retentionCron,
    migrateOnStart: boolean('MIGRATE_ON_START', true),
    publicUrl,
    heartbeatIntervalMs: duration('HEARTBEAT_INTERVAL', '30s'),
    ticketTtlMs: duration('TICKET_TTL', '24h'),
    maxNotificationBytes: positiveInteger('MAX_NOTIFICATION_BYTES', 16384),
    logLevel: logLevel as AppConfig['logLevel'],
    databasePoolSize: positiveInteger('DATABASE_POOL_SIZE', 20, 1000),
    databaseListenUrl,
    databasePooler,
    workers,
    shutdownTimeoutMs: duration('SHUTDOWN_TIMEOUT', '10s'),
    webhookRatePerSecond: positiveInteger('WEBHOOK_RATE', 10),
    webhookBurst: positiveInteger('WEBHOOK_BURST', 20),
    maxConnectionBufferBytes: positiveInteger('MAX_CONNECTION_BUFFER', 1024 * 1024),
    deviceRequestRatePerSecond: positiveInteger('DEVICE_REQUEST_RATE', 50),
    deviceRequestBurst: positiveInteger('DEVICE_REQUEST_BURST', 100),
    maxConnections: positiveInteger('MAX_CONNECTIONS', 20_000),
    maxConnectionsPerUser: positiveInteger('MAX_CONNECTIONS_PER_USER', 100),
    demo: boolean('DEMO', !production),
    vapid: parseVapid(read('VAPID_PUBLIC_KEY'), read('VAPID_PRIVATE_KEY'), read('VAPID_SUBJECT'), (name, why) => fail(name, why, undefined)),
    // Push services may write to the subject about abuse; the service's own https URL says who runs it.
    vapidSubject: read('VAPID_SUBJECT') ?? (publicUrl.startsWith('https://') ? publicUrl : 'mailto:pns@localhost'),
    fcmServiceAccount: readFcmServiceAccount(read('FCM_SERVICE_ACCOUNT'), problemOf('FCM_SERVICE_ACCOUNT')),
    fcmApiUrl: httpUrl('FCM_API_URL') ?? 'https://fcm.googleapis.com',
    pushEndpoints: parsePushEndpoints(read('PUSH_ENDPOINTS'), problemOf('PUSH_ENDPOINTS')),
    pushGraceMs: duration('PUSH_GRACE', '5s'),
    pushCa: readPemFile(read('PUSH_CA_FILE'), problemOf('PUSH_CA_FILE')),
    eventHookAllowPrivate: boolean('EVENT_HOOK_ALLOW_PRIVATE', false),
    eventHookTimeoutMs: positiveDuration('EVENT_HOOK_TIMEOUT', '10s'),
    eventHookRetryFirstMs: positiveDuration('EVENT_HOOK_RETRY_FIRST', '10s'),
    eventHookRetryMaxMs: positiveDuration('EVENT_HOOK_RETRY_MAX', '1h'),
    eventHookRetryForMs: positiveDuration('EVENT_HOOK_RETRY_FOR', '24h'),
    eventHookPollMs: positiveDuration('EVENT_HOOK_POLL_INTERVAL', '1s'),
    expirySweepIntervalMs: sweepInterval(),
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
