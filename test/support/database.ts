import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEMPLATE_DATABASE = 'pns_test_template';

export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function adminUrl(): string {
  const url = process.env.PNS_TEST_ADMIN_URL;
  if (!url) throw new Error('PNS_TEST_ADMIN_URL is unset: run the tests through jest (test/support/global-setup.ts)');
  return url;
}

async function createDatabase(template: string | undefined): Promise<string> {
  const name = `pns_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  return withDatabaseName(adminUrl(), name);
}

/** A database of its own for one test file, already migrated. */
export function createTestDatabase(): Promise<string> {
  return createDatabase(TEMPLATE_DATABASE);
}

/** An empty database, for tests of the migrations themselves. */
export function createEmptyDatabase(): Promise<string> {
  return createDatabase(undefined);
}

/** The clock of the database at `url`, which stamps created_at (for `clockPasses` in test/support/waiters.ts). */
export async function databaseNow(url: string): Promise<Date> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const {
      rows: [{ now }],
    } = await client.query<{ now: Date }>('SELECT clock_timestamp() AS now');
    return now;
  } finally {
    await client.end();
  }
}
