import pg from 'pg';
import { ConfigError } from '../config/config.schema';
import { embeddedConfig, normalizeMountPath } from './embedded-config';

const options = { databaseUrl: 'postgres://pns@db/pns', auth: { appToken: 'secret' } };

describe('normalizeMountPath', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['/', ''],
    ['pns', '/pns'],
    ['/pns/', '/pns'],
    ['/api/pns', '/api/pns'],
  ])('reads %p as %p', (path, mounted) => {
    expect(normalizeMountPath(path)).toBe(mounted);
  });
});

describe('embeddedConfig', () => {
  it('reads the options through the config schema, with its defaults and the demo off', () => {
    const config = embeddedConfig(options);
    expect(config).toMatchObject({ databaseUrl: 'postgres://pns@db/pns', appToken: 'secret', appTokenGenerated: false, migrateOnStart: true, demo: false, heartbeatIntervalMs: 30_000 });
    expect(embeddedConfig({ ...options, migrate: false, settings: { HEARTBEAT_INTERVAL: '5s', DEMO: 'true' } })).toMatchObject({ migrateOnStart: false, heartbeatIntervalMs: 5_000, demo: true });
  });

  it('names every bad setting, as the standalone server does', () => {
    const bad = () => embeddedConfig({ ...options, databaseUrl: 'mysql://x', auth: { appToken: 'secret', delegateUrl: 'not a url' }, settings: { HEARTBEAT_INTERVAL: 'soon' } });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/DATABASE_URL[\s\S]*AUTH_DELEGATE_URL|AUTH_DELEGATE_URL[\s\S]*DATABASE_URL/);
    expect(bad).toThrow(/HEARTBEAT_INTERVAL/);
  });

  it("takes the host's pool instead of a URL, and exactly one of them", () => {
    const pool = new pg.Pool({ connectionString: 'postgres://pns@db/pns' });
    expect(embeddedConfig({ pool, auth: { appToken: 'secret' } })).toMatchObject({ databaseUrl: undefined, appToken: 'secret' });
    const both = { ...options, pool } as unknown as Parameters<typeof embeddedConfig>[0];
    const neither = { auth: { appToken: 'secret' } } as unknown as Parameters<typeof embeddedConfig>[0];
    for (const wrong of [both, neither]) expect(() => embeddedConfig(wrong)).toThrow(/databaseUrl or pool: give exactly one/);
  });
});
