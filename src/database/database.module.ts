import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DatabaseServer } from './database-server.js';
import { DatabaseShutdown } from './database-shutdown.js';
import { PrismaService } from './prisma.service.js';

@Global()
@Module({
  providers: [{ provide: DatabaseServer, useFactory: (config: AppConfig) => DatabaseServer.start(config), inject: [AppConfig] }, PrismaService, DatabaseShutdown],
  exports: [DatabaseServer, PrismaService],
})
export class DatabaseModule {}
