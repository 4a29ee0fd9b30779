import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { DatabaseServer } from './database-server.js';

const POOL_SIZE = 20;

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(server: DatabaseServer) {
    super({ adapter: new PrismaPg({ connectionString: server.url, max: POOL_SIZE }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
