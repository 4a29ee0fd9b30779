import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DatabaseServer } from './database-server.js';
import { PrismaService } from './prisma.service.js';

/**
 * Closes the pool, then the server, in that order and last of all: DatabaseModule is global,
 * so Nest shuts it down after every feature module, and onApplicationShutdown runs after the
 * HTTP server has finished its in-flight requests.
 */
@Injectable()
export class DatabaseShutdown implements OnApplicationShutdown {
  constructor(
    private readonly prisma: PrismaService,
    private readonly server: DatabaseServer,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.prisma.close();
    await this.server.stop();
  }
}
