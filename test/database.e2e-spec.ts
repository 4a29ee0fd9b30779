import pg from 'pg';
import { createEmptyDatabase, createTestDatabase } from './support/database';
import { applyMigrations, readMigrations } from '../src/database/migrator';

const quiet = { log: () => undefined, warn: () => undefined } as never;

describe('migrations', () => {
  it('two instances migrating an empty database at once both succeed, and each migration is applied once', async () => {
    const url = await createEmptyDatabase();
    const [first, second] = await Promise.all([applyMigrations(url, 'prisma/migrations', quiet), applyMigrations(url, 'prisma/migrations', quiet)]);
    const all = (await readMigrations('prisma/migrations')).map((migration) => migration.name);
    expect([...first, ...second].sort()).toEqual(all.sort());

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT migration_name, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name');
    await client.end();
    expect(rows.map((row) => row.migration_name)).toEqual(all);
    expect(rows.every((row) => row.finished_at !== null && row.applied_steps_count === 1)).toBe(true);
  });

  it('a migrated database has nothing pending', async () => {
    expect(await applyMigrations(await createTestDatabase(), 'prisma/migrations', quiet)).toEqual([]);
  });
});
