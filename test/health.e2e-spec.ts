import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { applyMigrations } from '../src/database/migrator';
import { auth, startApp, type RunningApp } from './support/app';
import { expectServerBuilt } from './support/build';
import { startEmbeddedPostgresProcess, type EmbeddedPostgresProcess } from './support/embedded-postgres-process';
import { newUser } from './support/factories';

jest.setTimeout(120_000);

const quiet = { log: () => undefined, warn: () => undefined } as never;

/** pns on a PostgreSQL of its own, which the test stops and starts again under it. */
describe('health', () => {
  let build: string;
  let dataDir: string;
  let database: EmbeddedPostgresProcess;
  let pns: RunningApp;

  beforeAll(async () => {
    build = await expectServerBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'pns-health-'));
    await chmod(dataDir, 0o755);
    database = await startEmbeddedPostgresProcess(build, dataDir);
    await applyMigrations(database.url, 'prisma/migrations', quiet);
    pns = await startApp(database.url);
  });
  afterAll(async () => {
    await pns?.close();
    await database?.stop();
  });

  it('answers live and ready 200 without a token while the database answers', async () => {
    await request(pns.baseUrl).get('/health/live').expect(200);
    const ready = await request(pns.baseUrl).get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('answers ready 503 after about a second while the database hangs, and 200 once it answers again', async () => {
    await database.freeze(true);
    try {
      const started = performance.now();
      await request(pns.baseUrl).get('/health/ready').expect(503);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(900);
      // The ping's 1 s timeout, with room for a loaded machine; a hung ping would never answer.
      expect(elapsed).toBeLessThan(4000);
      await request(pns.baseUrl).get('/health/live').expect(200);
    } finally {
      await database.freeze(false);
    }
    await request(pns.baseUrl).get('/health/ready').expect(200);
  });

  it('answers ready 503 while the database is down, live still 200, and ready 200 again once it is back, without a restart', async () => {
    const userId = newUser();
    await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId, data: 'before' }).expect(201);

    await database.stop();
    const started = performance.now();
    const notReady = await request(pns.baseUrl).get('/health/ready').expect(503);
    expect(notReady.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'not ready: database down' });
    // Within the ping's 1 s timeout (with room for a loaded machine), not the pool's 5 s connection timeout.
    expect(performance.now() - started).toBeLessThan(4000);
    await request(pns.baseUrl).get('/health/live').expect(200);

    database = await startEmbeddedPostgresProcess(build, dataDir, database.port);
    // The connections the pool held died with the old server; the first probe needs a new one.
    await request(pns.baseUrl).get('/health/ready').expect(200);
    // The API's own queries go through the same reconnected pool.
    await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId, data: 'after' }).expect(201);
    const count = await request(pns.baseUrl).get(`/api/users/${userId}/unseen-count`).set(auth).expect(200);
    expect(count.body).toEqual({ userId, count: 2, version: 2 });
  });
});
