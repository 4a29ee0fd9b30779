import type { IncomingMessage } from 'node:http';
import type { ModuleMetadata } from '@nestjs/common';
import type pg from 'pg';

/** Who a connecting device is, decided by the host from its upgrade or SSE request: a user id, or null to refuse (401). */
export type VerifyDevice = (request: IncomingMessage) => Promise<string | null>;

export interface PnsAuthOptions {
  /** The token the host's backend (or its other services) sends to pns's REST routes. */
  appToken: string;
  /** Devices are asked of this URL with their cookies and Authorization (docs/protocol.md, Authentication). */
  delegateUrl?: string;
  /** Devices are decided by this function of the host, in-process; it wins over `delegateUrl`. */
  verify?: VerifyDevice;
}

/**
 * Where pns's tables are: a connection URL (pns opens its own pool), or the host's own `pg` pool,
 * which pns then shares (its statements take their connections from it; the host ends it).
 */
export type PnsDatabaseOptions = { databaseUrl: string; pool?: never } | { pool: pg.Pool; databaseUrl?: never };

export type PnsModuleOptions = PnsDatabaseOptions & PnsSettings;

export interface PnsSettings {
  auth: PnsAuthOptions;
  /** Where pns's routes and devices are mounted in the host (`/pns` → `/pns/api/...`, `/pns/subscribe`); default: the root. */
  path?: string;
  /** Apply pns's migrations (its own tables, in the database of `databaseUrl` or `pool`) at start; default true. */
  migrate?: boolean;
  /** Any other setting of README's Configuration, by its variable name (`HEARTBEAT_INTERVAL: '25s'`). */
  settings?: Readonly<Record<string, string>>;
}

export interface PnsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => PnsModuleOptions | Promise<PnsModuleOptions>;
  inject?: unknown[];
  /** Known when the module is declared, since routes and gateway paths are fixed before any factory runs. */
  path?: string;
}
