import { Logger } from '@nestjs/common';
import type pg from 'pg';
import { migrationsDirectory } from '../common/package-root.js';
import { AppConfig } from '../config/app-config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { applyMigrations } from './migrator.js';

/** The host application's own pg pool, when pns is mounted with `pool` (docs/embedding.md); absent standalone. */
export const HOST_POOL = Symbol('HOST_POOL');

/**
 * The PostgreSQL server pns talks to: `DATABASE_URL`, an embedded one it runs itself, or the
 * server of the host application's pool. Ready means migrated (when MIGRATE_ON_START): nothing
 * queries an older schema.
 */
export class DatabaseServer {
  private constructor(
    /** For pns's own pool: the server, or a transaction pooler in front of it. */
    readonly pool: pg.PoolConfig,
    /**
     * A direct session on the server, for what belongs to one session and so cannot pass a
     * transaction pooler: LISTEN, session advisory locks, migrations (`DATABASE_LISTEN_URL`).
     */
    readonly session: pg.ClientConfig,
    private readonly stopServer: () => Promise<void>,
    /** The host's pool, which pns then uses instead of a pool of its own (and never ends). */
    readonly hostPool?: pg.Pool,
  ) {}

  static async start(config: AppConfig, hostPool?: pg.Pool | null): Promise<DatabaseServer> {
    const server = hostPool
      ? new DatabaseServer(hostPool.options, connectionOf(hostPool), async () => undefined, hostPool)
      : config.databaseUrl
        ? new DatabaseServer({ connectionString: config.databaseUrl }, { connectionString: config.databaseListenUrl ?? config.databaseUrl }, async () => undefined)
        : await startEmbeddedPostgres(config.dataDir).then((embedded) => new DatabaseServer({ connectionString: embedded.url }, { connectionString: embedded.url }, () => embedded.stop()));
    try {
      if (config.migrateOnStart) await applyMigrations(server.session, migrationsDirectory());
    } catch (error) {
      await server.stopServer();
      throw error;
    }
    return server;
  }

  /** Stops the embedded server if this process runs it; the pools must be closed first. */
  async stop(): Promise<void> {
    await this.stopServer();
    new Logger(DatabaseServer.name).debug('database server released');
  }
}

/**
 * How the host's pool connects, for pns's own sessions (its bus, the migrator), which connect as
 * the pool does. pg-pool keeps the password out of enumeration, so that it stays out of logs:
 * copied by name.
 */
function connectionOf(pool: pg.Pool): pg.ClientConfig {
  return { ...pool.options, password: pool.options.password };
}
