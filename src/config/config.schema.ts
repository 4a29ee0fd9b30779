import { randomBytes } from 'node:crypto';
import { validateCronExpression } from 'cron';
import { AppConfig } from './app-config.js';
import { parseDuration } from './duration.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

const EVERY_15_MINUTES = '*/15 * * * *';
const LOG_LEVELS: readonly AppConfig['logLevel'][] = ['error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Reads every variable of the contract, collecting all problems before failing so that one
 * start names every bad variable at once.
 */
export function loadConfig(env: Environment): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const fail = <T>(name: string, why: string, fallback: T): T => {
    problems.push(`${name}: ${why} (got ${JSON.stringify(env[name])})`);
    return fallback;
  };
  const duration = (name: string, fallback: string): number => {
    const text = read(name) ?? fallback;
    return parseDuration(text) ?? fail(name, 'expected a duration such as 500ms, 30s, 15m, 12h or 30d', 0);
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

  const configuredToken = read('APP_TOKEN') ?? read('AUTH_TOKEN');
  if (configuredToken === undefined && production) {
    problems.push('APP_TOKEN: required when NODE_ENV=production (alias AUTH_TOKEN)');
  }

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

  const config = new AppConfig({
    production,
    port,
    databaseUrl,
    dataDir: read('DATA_DIR') ?? './data',
    appToken: configuredToken ?? randomBytes(24).toString('base64url'),
    appTokenGenerated: configuredToken === undefined,
    authDelegateUrl: httpUrl('AUTH_DELEGATE_URL'),
    authDelegateTimeoutMs: positiveInteger('AUTH_DELEGATE_TIMEOUT_MS', 3000),
    allowedOrigins,
    seenRetentionMs: duration('SEEN_RETENTION', '30d'),
    unseenRetentionMs: optionalDuration('UNSEEN_RETENTION'),
    changeRetentionMs: duration('CHANGE_RETENTION', '7d'),
    retentionCron: retentionCron === 'off' ? undefined : retentionCron,
    migrateOnStart: boolean('MIGRATE_ON_START', true),
    publicUrl: httpUrl('PUBLIC_URL') ?? `http://localhost:${port}`,
    heartbeatIntervalMs: duration('HEARTBEAT_INTERVAL', '30s'),
    ticketTtlMs: duration('TICKET_TTL', '24h'),
    maxNotificationBytes: positiveInteger('MAX_NOTIFICATION_BYTES', 16384),
    logLevel: logLevel as AppConfig['logLevel'],
    demo: boolean('DEMO', !production),
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
