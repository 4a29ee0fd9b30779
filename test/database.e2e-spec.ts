import pg from 'pg';
import request from 'supertest';
import { auth, startApp } from './support/app';
import { newUser } from './support/factories';
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

  it('two servers starting at once on an empty database both come up and serve', async () => {
    const url = await createEmptyDatabase();
    const servers = await Promise.all([startApp(url, { MIGRATE_ON_START: 'true' }), startApp(url, { MIGRATE_ON_START: 'true' })]);
    try {
      const user = newUser();
      for (const server of servers) {
        await request(server.baseUrl).get('/health/ready').expect(200);
        await request(server.baseUrl).post('/api/notifications').set(auth).send({ userId: user, data: {} }).expect(201);
      }
      const count = await request(servers[0].baseUrl).get(`/api/users/${user}/unseen-count`).set(auth).expect(200);
      expect(count.body.count).toBe(2);
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });

  it('a migrated database has nothing pending', async () => {
    expect(await applyMigrations(await createTestDatabase(), 'prisma/migrations', quiet)).toEqual([]);
  });
});
