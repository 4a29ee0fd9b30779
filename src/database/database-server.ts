import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { applyMigrations } from './migrator.js';

const MIGRATIONS_DIRECTORY = resolve('prisma/migrations');

/**
 * The PostgreSQL server pns talks to: `DATABASE_URL`, or an embedded one it runs itself.
 * Ready means migrated (when MIGRATE_ON_START): nothing queries an older schema.
 */
export class DatabaseServer {
  private constructor(
    /** For the pool: the server, or a transaction pooler in front of it. */
    readonly url: string,
    /**
     * A direct session on the server, for what belongs to one session and so cannot pass a
     * transaction pooler: LISTEN, session advisory locks, migrations (`DATABASE_LISTEN_URL`).
     */
    readonly listenUrl: string,
    private readonly stopServer: () => Promise<void>,
  ) {}

  static async start(config: AppConfig): Promise<DatabaseServer> {
    const server = config.databaseUrl
      ? new DatabaseServer(config.databaseUrl, config.databaseListenUrl ?? config.databaseUrl, async () => undefined)
      : await startEmbeddedPostgres(config.dataDir).then((embedded) => new DatabaseServer(embedded.url, embedded.url, () => embedded.stop()));
    try {
      if (config.migrateOnStart) await applyMigrations(server.listenUrl, MIGRATIONS_DIRECTORY);
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
