import type { AppConfig } from '../config/app-config.js';
import { loadConfig } from '../config/config.schema.js';
import type { PnsModuleOptions } from './pns-options.js';

/**
 * The module's options as the one config schema reads them: the same validation, defaults and
 * error messages as the standalone server, from a synthetic environment instead of process.env.
 * The demo page stays off unless asked for: a host did not mean to publish one.
 */
export function embeddedConfig(options: PnsModuleOptions): AppConfig {
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
