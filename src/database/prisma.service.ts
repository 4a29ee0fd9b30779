import { Injectable, Logger, Optional } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { DatabaseServer } from './database-server.js';

/** DATABASE_POOL_SIZE's default, also for specs that build the service by hand. */
const DEFAULT_POOL_SIZE = 20;
// A database that stops answering must not hold requests (or the readiness probe) forever.
const CONNECT_TIMEOUT_MS = 5_000;

@Injectable()
export class PrismaService extends PrismaClient {
  /**
   * Our own pool, handed to the adapter, so that its use can be measured. The few statements
   * that run for every notification (its insert, its announcement, the count read before its
   * frame) use it directly, as named prepared statements: parsed and planned once per
   * connection, and past the Prisma client's per-query interpreter, which cost more CPU than
   * the rest of a notification's database work (docs/performance.md, single ingest).
   */
  readonly pool: pg.Pool;

  constructor(server: DatabaseServer, @Optional() config?: AppConfig) {
    const pool = new pg.Pool({ connectionString: server.url, max: config?.databasePoolSize ?? DEFAULT_POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle connection dropped by the server (restart, failover) is an event, not a crash:
    // the pool opens a new one on next use.
    pool.on('error', (error) => new Logger(PrismaService.name).warn(`idle database connection lost: ${error.message}`));
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
  }

  async close(): Promise<void> {
    await this.$disconnect();
    await this.pool.end();
  }
}
