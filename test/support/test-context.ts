import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule, type TestingModuleBuilder } from '@nestjs/testing';
import pg from 'pg';
import { AppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/config.schema';
import { DatabaseModule } from '../../src/database/database.module';
import { DatabaseServer } from '../../src/database/database-server';
import { PrismaService } from '../../src/database/prisma.service';
import { createTestDatabase, databaseNow } from './database';
import { DatabaseClient } from './database-client';

export interface TestContextOptions {
  /** The feature modules whose services the spec uses, wired by Nest as the application wires them. */
  imports?: ModuleMetadata['imports'];
  /** Providers of the spec's own beside them (the class under test, when no module exports it). */
  providers?: ModuleMetadata['providers'];
  /** Replaces providers, e.g. a service by a subclass that can fail or hold back its answers. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** A database other than a fresh copy of the migrated template (e.g. one that cannot be reached). */
  databaseUrl?: string;
}

/**
 * The database tier's one wiring (`src/**\/*.db-spec.ts`): a fresh migrated database of the
 * spec's own, the application's DatabaseModule (DatabaseServer + PrismaService) and the modules
 * the spec asks for, started as the application starts them. `get()` hands out the real
 * services; nothing of the database is mocked.
 */
export class TestContext {
  private readonly clients: DatabaseClient[] = [];

  private constructor(
    private readonly moduleRef: TestingModule,
    readonly databaseUrl: string,
  ) {}

  static async start(options: TestContextOptions = {}): Promise<TestContext> {
    const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
    // The template is migrated already (test/support/global-setup.ts).
    const config = loadConfig({ DATABASE_URL: databaseUrl, MIGRATE_ON_START: 'false' });
    const builder = Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule, ...(options.imports ?? [])],
      providers: options.providers ?? [],
    });
    const moduleRef = await (options.override ?? ((same) => same))(builder).compile();
    await moduleRef.init();
    return new TestContext(moduleRef, databaseUrl);
  }

  /** The one instance of a provider of the context (a class with a private constructor included). */
  get<T>(type: { prototype: T }): T {
    return this.moduleRef.get<unknown, T>(type as never, { strict: false });
  }

  get config(): AppConfig {
    return this.get(AppConfig);
  }

  get prisma(): PrismaService {
    return this.get(PrismaService);
  }

  get server(): DatabaseServer {
    return this.get(DatabaseServer);
  }

  /** A connection of its own, as another client of the database would have (closed by close()). */
  async connect(): Promise<DatabaseClient> {
    const connection = new pg.Client({ connectionString: this.databaseUrl });
    await connection.connect();
    const client = new DatabaseClient(connection);
    this.clients.push(client);
    return client;
  }

  /** The database's clock, which stamps created_at. */
  databaseNow(): Promise<Date> {
    return databaseNow(this.databaseUrl);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.end()));
    await this.moduleRef.close();
  }
}
