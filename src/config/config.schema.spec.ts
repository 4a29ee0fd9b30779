import { ConfigError, loadConfig } from './config.schema';
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
  it('applies the contract defaults', () => {
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
    });
    expect(config.appToken.length).toBeGreaterThanOrEqual(32);
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
    });
  });

  it('prefers APP_TOKEN over its alias AUTH_TOKEN', () => {
    expect(loadConfig({ APP_TOKEN: 'a', AUTH_TOKEN: 'b' }).appToken).toBe('a');
  });

  it('serves the demo outside production unless told otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'production', APP_TOKEN: 't' }).demo).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', APP_TOKEN: 't', DEMO: 'true' }).demo).toBe(true);
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
      ].sort(),
    );
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', SEEN_RETENTION: '' })).toMatchObject({ port: 3000, seenRetentionMs: 30 * 86_400_000 });
  });
});
