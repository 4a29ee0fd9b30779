import type { AppConfig } from '../config/app-config.js';
import { ConfigError, loadConfig } from '../config/config.schema.js';
import type { PnsModuleOptions } from './pns-options.js';

/**
 * The module's options as the one config schema reads them: the same validation, defaults and
 * error messages as the standalone server, from a synthetic environment instead of process.env.
 * The demo page stays off unless asked for: a host did not mean to publish one.
 */
export function embeddedConfig(options: PnsModuleOptions): AppConfig {
  // The types allow only one; JavaScript callers and loose factories may still pass both or neither.
  if ((options.databaseUrl === undefined) === (options.pool === undefined)) {
    throw new ConfigError(['databaseUrl or pool: give exactly one, the URL of pns\'s database or the application\'s own pg pool']);
  }
  return loadConfig({
    DEMO: 'false',
    ...options.settings,
    DATABASE_URL: options.databaseUrl,
    APP_TOKEN: options.auth.appToken,
    AUTH_DELEGATE_URL: options.auth.delegateUrl,
    MIGRATE_ON_START: String(options.migrate ?? true),
  });
}

/** `/pns/` and `pns` both mean `/pns`; `/` and undefined mean the root (''). */
export function normalizeMountPath(path: string | undefined): string {
  const trimmed = (path ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}
