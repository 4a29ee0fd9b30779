import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres';
import { applyMigrations } from '../../src/database/migrator';
import { TEMPLATE_DATABASE, withDatabaseName } from './database';

declare global {
  var pnsTestPostgres: EmbeddedDatabase | undefined;
  /** Its folder, removed by the teardown: a full run leaves a gigabyte or more of databases there. */
  var pnsTestPostgresDir: string | undefined;
}

/**
 * One PostgreSQL server for the whole run: the one in DATABASE_URL (which must be allowed to
 * create databases), else an embedded one in a temporary folder. A template database is
 * migrated once; every test file then gets its own copy of it (see database.ts).
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = await mkdtemp(join(tmpdir(), 'pns-test-'));
    await chmod(dir, 0o755);
    globalThis.pnsTestPostgresDir = dir;
    globalThis.pnsTestPostgres = await startEmbeddedPostgres(dir, { log: () => undefined, warn: () => undefined } as never);
    adminUrl = globalThis.pnsTestPostgres.url;
  }
  process.env.PNS_TEST_ADMIN_URL = adminUrl;

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  await applyMigrations(withDatabaseName(adminUrl, TEMPLATE_DATABASE), 'prisma/migrations', { log: () => undefined, warn: () => undefined } as never);
}
