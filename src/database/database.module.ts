import { Global, Module } from '@nestjs/common';
import type pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { DatabaseServer, HOST_POOL } from './database-server.js';
import { DatabaseShutdown } from './database-shutdown.js';
import { PrismaService } from './prisma.service.js';

// HOST_POOL is provided by PnsModule when the host hands over its pool; standalone it is absent.
@Global()
@Module({
  providers: [
    {
      provide: DatabaseServer,
      useFactory: (config: AppConfig, hostPool: pg.Pool | null | undefined) => DatabaseServer.start(config, hostPool),
      inject: [AppConfig, { token: HOST_POOL, optional: true }],
    },
    PrismaService,
    DatabaseShutdown,
  ],
  exports: [DatabaseServer, PrismaService],
})
export class DatabaseModule {}
