import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { DatabaseServer } from './database-server.js';

const POOL_SIZE = 20;

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  /** Our own pool, handed to the adapter, so that its use can be measured. */
  readonly pool: pg.Pool;

  constructor(server: DatabaseServer) {
    const pool = new pg.Pool({ connectionString: server.url, max: POOL_SIZE });
    // An idle connection dropped by the server (restart, failover) is an event, not a crash:
    // the pool opens a new one on next use.
    pool.on('error', (error) => new Logger(PrismaService.name).warn(`idle database connection lost: ${error.message}`));
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.pool.end();
  }
}
