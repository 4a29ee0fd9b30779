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
});
