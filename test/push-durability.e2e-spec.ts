import pg from 'pg';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { DatabaseClient } from './support/database-client';
import { newUser } from './support/factories';
import { FakePushService } from './support/fake-push-service';
import { makeTestCertificate } from './support/fake-push-tls';
import { startServerProcess, stopServerProcesses } from './support/server-process';
import { pollUntil } from './support/waiters';

const PUSHES = 50;

/** docs/push.md: due pushes live in PostgreSQL; a killed instance loses none, and none goes twice. */
describe('push durability', () => {
  const certificate = makeTestCertificate();
  let service: FakePushService;
  let databaseUrl: string;
  let database: DatabaseClient;
  let survivor: RunningApp | undefined;

  beforeAll(async () => {
    service = await FakePushService.start(certificate);
    databaseUrl = await createTestDatabase();
    const connection = new pg.Client({ connectionString: databaseUrl });
    await connection.connect();
    database = new DatabaseClient(connection);
  });
  afterEach(() => stopServerProcesses());
  afterAll(async () => {
    await survivor?.close();
    await database.end();
    await service.close();
  });

  it(`delivers all ${PUSHES} pushes due on an instance killed with SIGKILL, each once, after a restart`, async () => {
    // Its pushes fall due at once, and every attempt fails: without PUSH_CA_FILE it refuses the
    // push service's certificate (TLS checks stay on), so the 50 wait for their retry when it dies.
    const doomed = await startServerProcess({ DATABASE_URL: databaseUrl, MIGRATE_ON_START: 'false', PUSH_ENDPOINTS: service.origin, PUSH_GRACE: '100ms' });
    const users = Array.from({ length: PUSHES }, () => newUser('durable'));
    const endpoints: string[] = [];
    for (const user of users) {
      const browser = service.subscribe();
      endpoints.push(browser.endpoint);
      await request(doomed.baseUrl).post(`/api/users/${user}/push-subscriptions`).set(auth).send({ webpush: { endpoint: browser.endpoint, keys: browser.keys } }).expect(201);
    }
    const { body } = await request(doomed.baseUrl).post('/api/notifications').set(auth).send({ userIds: users, data: 'survives' }).expect(201);
    const retries = async () => Number(/^pns_push_total\{provider="webpush",result="retry"\} (\d+)$/m.exec((await request(doomed.baseUrl).get('/metrics').expect(200)).text)?.[1] ?? 0);
    await pollUntil(retries, (failed) => failed === PUSHES, `all ${PUSHES} pushes due, tried and waiting for their retry`);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    expect(await database.queuedPushJobs()).toBe(PUSHES);
    expect(service.received).toEqual([]);

    survivor = await startApp(databaseUrl, { PUSH_ENDPOINTS: service.origin, PUSH_CA_FILE: certificate.certFile, PUSH_GRACE: '1s' });
    await service.waitFor(() => endpoints.every((endpoint) => service.pushesTo(endpoint).length > 0), `a push to each of the ${PUSHES} subscriptions`, 30_000);
    await pollUntil(() => database.queuedPushJobs(), (queued) => queued === 0, 'no push job left');
    const ids = (body.notifications as { id: string; userId: string }[]).map((created) => created.id);
    expect(endpoints.map((endpoint) => service.pushesTo(endpoint).map((push) => push.payload?.id))).toEqual(ids.map((id) => [id]));
    expect(service.received.flatMap((push) => push.problems)).toEqual([]);
  });
});
