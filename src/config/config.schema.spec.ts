import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import webpush from 'web-push';
import { ConfigError, loadConfig } from './config.schema';
import { DEFAULT_PUSH_ENDPOINTS } from './push-settings';
import { parseDuration } from './duration';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.split(':')[0]);
    throw error;
  }
  return [];
}

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['1s', 1000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['30d', 2_592_000_000],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '30', 'd', '1.5h', '-1s', '10 days', '1w', '99999999999999999d'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('loadConfig', () => {
  it('applies the documented defaults (README, Configuration)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      dataDir: './data',
      appTokenGenerated: true,
      authDelegateUrl: undefined,
      authDelegateTimeoutMs: 3000,
      allowedOrigins: undefined,
      seenRetentionMs: 30 * 86_400_000,
      unseenRetentionMs: undefined,
      changeRetentionMs: 7 * 86_400_000,
      retentionCron: '*/15 * * * *',
      migrateOnStart: true,
      publicUrl: 'http://localhost:3000',
      heartbeatIntervalMs: 30_000,
      ticketTtlMs: 86_400_000,
      maxNotificationBytes: 16384,
      logLevel: 'log',
      demo: true,
      readOnlyTokens: [],
      databasePoolSize: 20,
      shutdownTimeoutMs: 10_000,
      webhookRatePerSecond: 10,
      webhookBurst: 20,
      maxConnectionBufferBytes: 1_048_576,
      deviceRequestRatePerSecond: 50,
      deviceRequestBurst: 100,
      maxConnections: 20_000,
      maxConnectionsPerUser: 100,
    });
    expect(config.appToken.length).toBeGreaterThanOrEqual(32);
    expect(config.appTokens).toEqual([config.appToken]);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/pns',
      DATA_DIR: '/var/lib/pns',
      AUTH_TOKEN: 'secret',
      AUTH_DELEGATE_URL: 'https://app.example/auth/',
      AUTH_DELEGATE_TIMEOUT_MS: '1500',
      ALLOWED_ORIGINS: 'https://a.example, HTTPS://B.example:443/',
      SEEN_RETENTION: '12h',
      UNSEEN_RETENTION: '90d',
      CHANGE_RETENTION: '2d',
      RETENTION_CRON: 'off',
      MIGRATE_ON_START: 'false',
      PUBLIC_URL: 'https://pns.example',
      HEARTBEAT_INTERVAL: '10s',
      TICKET_TTL: '1h',
      MAX_NOTIFICATION_BYTES: '1024',
      LOG_LEVEL: 'debug',
      DEMO: 'false',
      APP_TOKENS: 'next, ,secret',
      APP_READONLY_TOKENS: 'reader-1,reader-2',
      DATABASE_POOL_SIZE: '50',
      SHUTDOWN_TIMEOUT: '25s',
      WEBHOOK_RATE: '2',
      WEBHOOK_BURST: '5',
      MAX_CONNECTION_BUFFER: '65536',
      DEVICE_REQUEST_RATE: '3',
      DEVICE_REQUEST_BURST: '6',
      MAX_CONNECTIONS: '100',
      MAX_CONNECTIONS_PER_USER: '4',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u:p@db:5432/pns',
      dataDir: '/var/lib/pns',
      appToken: 'secret',
      appTokenGenerated: false,
      authDelegateUrl: 'https://app.example/auth',
      authDelegateTimeoutMs: 1500,
      allowedOrigins: new Set(['https://a.example', 'https://b.example']),
      seenRetentionMs: 43_200_000,
      unseenRetentionMs: 90 * 86_400_000,
      changeRetentionMs: 2 * 86_400_000,
      retentionCron: undefined,
      migrateOnStart: false,
      publicUrl: 'https://pns.example',
      heartbeatIntervalMs: 10_000,
      ticketTtlMs: 3_600_000,
      maxNotificationBytes: 1024,
      logLevel: 'debug',
      demo: false,
      appTokens: ['secret', 'next'],
      readOnlyTokens: ['reader-1', 'reader-2'],
      databasePoolSize: 50,
      shutdownTimeoutMs: 25_000,
      webhookRatePerSecond: 2,
      webhookBurst: 5,
      maxConnectionBufferBytes: 65_536,
      deviceRequestRatePerSecond: 3,
      deviceRequestBurst: 6,
      maxConnections: 100,
      maxConnectionsPerUser: 4,
    });
  });

  it('accepts several tokens for a rotation, APP_TOKENS alone being enough in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', APP_TOKENS: 'old,new' })).toMatchObject({ appToken: 'old', appTokens: ['old', 'new'], appTokenGenerated: false });
    expect(problemsOf({ NODE_ENV: 'production', APP_READONLY_TOKENS: 'reader' })).toEqual(['APP_TOKEN']);
    expect(problemsOf({ APP_TOKEN: 'both', APP_READONLY_TOKENS: 'reader,both' })).toEqual(['APP_READONLY_TOKENS']);
  });

  it('never repeats a password or a token in its message', () => {
    const message = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    const url = message({ DATABASE_URL: 'mysql://pns:hunter2-secret@db:3306/pns?password=other-secret' });
    expect(url).toMatch(/DATABASE_URL/);
    expect(url).toContain('pns:***@db');
    expect(url).not.toMatch(/hunter2|other-secret/);
    expect(message({ DATABASE_URL: 'postgres//pns:hunter2-secret@db/pns' })).not.toContain('hunter2');
    expect(message({ APP_TOKEN: 'shared-token', APP_READONLY_TOKENS: 'shared-token' })).not.toContain('shared-token');
  });

  it('runs one worker and no pooler by default, one worker per core with WORKERS=auto', () => {
    expect(loadConfig({})).toMatchObject({ workers: 1, databasePooler: false, databaseListenUrl: undefined });
    expect(loadConfig({ WORKERS: 'auto' }).workers).toBe(availableParallelism());
    expect(loadConfig({ WORKERS: '3' }).workers).toBe(3);
    expect(problemsOf({ WORKERS: '0' })).toEqual(['WORKERS']);
    expect(problemsOf({ WORKERS: 'two' })).toEqual(['WORKERS']);
    expect(problemsOf({ WORKERS: '65' })).toEqual(['WORKERS']);
  });

  it('takes a transaction pooler only with a direct URL for LISTEN', () => {
    const pooled = { DATABASE_URL: 'postgres://pns@bouncer:6432/pns', DATABASE_LISTEN_URL: 'postgres://pns@db:5432/pns' };
    expect(loadConfig({ ...pooled, DATABASE_POOLER: 'pgbouncer' })).toMatchObject({ databasePooler: true, databaseListenUrl: 'postgres://pns@db:5432/pns' });
    expect(loadConfig({ ...pooled, DATABASE_POOLER: 'transaction' }).databasePooler).toBe(true);
    expect(loadConfig({ ...pooled, DATABASE_POOLER: 'none' }).databasePooler).toBe(false);
    expect(problemsOf({ DATABASE_URL: pooled.DATABASE_URL, DATABASE_POOLER: 'pgbouncer' })).toEqual(['DATABASE_POOLER']);
    expect(problemsOf({ ...pooled, DATABASE_POOLER: 'session' })).toEqual(['DATABASE_POOLER']);
    expect(problemsOf({ DATABASE_LISTEN_URL: 'mysql://db/pns' })).toEqual(['DATABASE_LISTEN_URL']);
  });

  it('prefers APP_TOKEN over its alias AUTH_TOKEN', () => {
    expect(loadConfig({ APP_TOKEN: 'a', AUTH_TOKEN: 'b' }).appToken).toBe('a');
  });

  it('serves the demo outside production unless told otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'production', APP_TOKEN: 't' }).demo).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', APP_TOKEN: 't', DEMO: 'true' }).demo).toBe(true);
  });

  it('reads the event hook settings, refusing private targets and retrying for a day by default', () => {
    expect(loadConfig({})).toMatchObject({
      eventHookAllowPrivate: false,
      eventHookTimeoutMs: 10_000,
      eventHookRetryFirstMs: 10_000,
      eventHookRetryMaxMs: 3_600_000,
      eventHookRetryForMs: 86_400_000,
      eventHookPollMs: 1000,
    });
    expect(loadConfig({ EVENT_HOOK_ALLOW_PRIVATE: 'true', EVENT_HOOK_RETRY_FIRST: '50ms', EVENT_HOOK_RETRY_FOR: '1m' })).toMatchObject({
      eventHookAllowPrivate: true,
      eventHookRetryFirstMs: 50,
      eventHookRetryForMs: 60_000,
    });
    expect(problemsOf({ EVENT_HOOK_ALLOW_PRIVATE: 'maybe', EVENT_HOOK_TIMEOUT: 'soon', EVENT_HOOK_POLL_INTERVAL: '1 s', EVENT_HOOK_RETRY_FIRST: '0ms' }).sort()).toEqual(
      ['EVENT_HOOK_ALLOW_PRIVATE', 'EVENT_HOOK_POLL_INTERVAL', 'EVENT_HOOK_RETRY_FIRST', 'EVENT_HOOK_TIMEOUT'],
    );
  });

  it('sweeps for expiries and snoozes every 30 s by default, at most every minute', () => {
    expect(loadConfig({}).expirySweepIntervalMs).toBe(30_000);
    expect(loadConfig({ EXPIRY_SWEEP_INTERVAL: '1s' }).expirySweepIntervalMs).toBe(1_000);
    expect(loadConfig({ EXPIRY_SWEEP_INTERVAL: '60s' }).expirySweepIntervalMs).toBe(60_000);
    for (const value of ['61s', '0s', 'often']) expect(problemsOf({ EXPIRY_SWEEP_INTERVAL: value })).toEqual(['EXPIRY_SWEEP_INTERVAL']);
  });

  it('refuses to start in production without a token', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['APP_TOKEN']);
    expect(problemsOf({ NODE_ENV: 'production', APP_TOKEN: '   ' })).toEqual(['APP_TOKEN']);
    expect(problemsOf({ NODE_ENV: 'production', AUTH_TOKEN: 't' })).toEqual([]);
  });

  it('names every bad variable at once', () => {
    expect(
      problemsOf({
        PORT: '70000',
        DATABASE_URL: 'mysql://x',
        AUTH_DELEGATE_URL: 'not a url',
        AUTH_DELEGATE_TIMEOUT_MS: '0',
        ALLOWED_ORIGINS: 'ftp://x',
        SEEN_RETENTION: '30 days',
        UNSEEN_RETENTION: 'forever',
        RETENTION_CRON: 'every minute',
        MIGRATE_ON_START: 'maybe',
        PUBLIC_URL: 'localhost:3000',
        HEARTBEAT_INTERVAL: '1.5s',
        TICKET_TTL: 'x',
        MAX_NOTIFICATION_BYTES: '-5',
        LOG_LEVEL: 'chatty',
        DEMO: 'sometimes',
        DATABASE_POOL_SIZE: '0',
        SHUTDOWN_TIMEOUT: 'soon',
        WEBHOOK_RATE: 'fast',
        WEBHOOK_BURST: '1.5',
      }).sort(),
    ).toEqual(
      [
        'PORT',
        'DATABASE_URL',
        'AUTH_DELEGATE_URL',
        'AUTH_DELEGATE_TIMEOUT_MS',
        'ALLOWED_ORIGINS',
        'SEEN_RETENTION',
        'UNSEEN_RETENTION',
        'RETENTION_CRON',
        'MIGRATE_ON_START',
        'PUBLIC_URL',
        'HEARTBEAT_INTERVAL',
        'TICKET_TTL',
        'MAX_NOTIFICATION_BYTES',
        'LOG_LEVEL',
        'DEMO',
        'DATABASE_POOL_SIZE',
        'SHUTDOWN_TIMEOUT',
        'WEBHOOK_RATE',
        'WEBHOOK_BURST',
      ].sort(),
    );
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', SEEN_RETENTION: '' })).toMatchObject({ port: 3000, seenRetentionMs: 30 * 86_400_000 });
  });

  describe('offline push', () => {
    const vapid = () => {
      const keys = webpush.generateVAPIDKeys();
      return { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: 'mailto:ops@example.com' };
    };

    it('defaults: no configured keys, FCM off, the vendors\' push services, a 5 s grace', () => {
      expect(loadConfig({})).toMatchObject({
        vapid: undefined,
        vapidSubject: 'mailto:pns@localhost',
        fcmServiceAccount: undefined,
        fcmApiUrl: 'https://fcm.googleapis.com',
        pushEndpoints: DEFAULT_PUSH_ENDPOINTS,
        pushGraceMs: 5_000,
        pushCa: undefined,
      });
      expect(loadConfig({ PUBLIC_URL: 'https://pns.example.com' }).vapidSubject).toBe('https://pns.example.com');
    });

    it('takes the three VAPID variables together, and names what is missing or malformed', () => {
      const env = vapid();
      expect(loadConfig(env).vapid).toEqual({ publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: 'mailto:ops@example.com' });
      expect(problemsOf({ VAPID_PUBLIC_KEY: env.VAPID_PUBLIC_KEY })).toEqual(['VAPID_PRIVATE_KEY', 'VAPID_SUBJECT']);
      expect(problemsOf({ ...env, VAPID_PUBLIC_KEY: 'short', VAPID_SUBJECT: 'ops@example.com' })).toEqual(['VAPID_SUBJECT', 'VAPID_PUBLIC_KEY']);
    });

    it('never repeats the VAPID private key', () => {
      try {
        loadConfig({ ...vapid(), VAPID_PRIVATE_KEY: 'not-a-key-but-secret' });
        throw new Error('accepted');
      } catch (error) {
        expect(String(error)).toContain('VAPID_PRIVATE_KEY');
        expect(String(error)).not.toContain('not-a-key-but-secret');
      }
    });

    it('reads the FCM service account at start and refuses a bad one', () => {
      const dir = mkdtempSync(join(tmpdir(), 'pns-config-'));
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify({ project_id: 'p', client_email: 'e@p.iam', private_key: '-----BEGIN PRIVATE KEY-----', token_uri: 'https://oauth2.googleapis.com/token' }));
      writeFileSync(join(dir, 'partial.json'), JSON.stringify({ project_id: 'p' }));
      expect(loadConfig({ FCM_SERVICE_ACCOUNT: good }).fcmServiceAccount).toEqual({ projectId: 'p', clientEmail: 'e@p.iam', privateKey: '-----BEGIN PRIVATE KEY-----', tokenUri: 'https://oauth2.googleapis.com/token' });
      expect(problemsOf({ FCM_SERVICE_ACCOUNT: join(dir, 'partial.json') })).toEqual(['FCM_SERVICE_ACCOUNT', 'FCM_SERVICE_ACCOUNT', 'FCM_SERVICE_ACCOUNT']);
      expect(problemsOf({ FCM_SERVICE_ACCOUNT: join(dir, 'missing.json') })).toEqual(['FCM_SERVICE_ACCOUNT']);
    });

    it('refuses a bad PUSH_ENDPOINTS entry, PUSH_GRACE, FCM_API_URL or PUSH_CA_FILE', () => {
      expect(problemsOf({ PUSH_ENDPOINTS: 'http://push.example', PUSH_GRACE: 'soon', FCM_API_URL: 'fcm', PUSH_CA_FILE: '/nonexistent.pem' }).sort()).toEqual(
        ['FCM_API_URL', 'PUSH_CA_FILE', 'PUSH_ENDPOINTS', 'PUSH_GRACE'],
      );
    });
  });
});
