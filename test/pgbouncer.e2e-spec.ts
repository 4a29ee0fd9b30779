import pg from 'pg';
import request from 'supertest';
import { RetentionService } from '../src/retention/retention.service';
import { AgedRows } from './support/aged-rows';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import type { Device } from './support/device';
import { connectCounted, postNotification } from './support/devices';
import { newUser } from './support/factories';
import { pgbouncerBinary, startPgBouncer, type RunningPgBouncer } from './support/pgbouncer';

jest.setTimeout(90_000);

const binary = pgbouncerBinary();
const suite = binary ? describe : describe.skip;
const title = 'behind PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer)';

/** Transactions the pooler has run for `database`, from its admin console. */
async function pooledTransactions(adminUrl: string, database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ database: string; total_xact_count: string }>('SHOW STATS');
    return Number(rows.find((row) => row.database === database)?.total_xact_count ?? 0);
  } finally {
    await admin.end();
  }
}

/** pns behind PgBouncer in transaction mode: the pool through the pooler, LISTEN and session locks direct. */
suite(binary ? title : `${title}: skipped, the pgbouncer binary is not installed (apt-get install pgbouncer)`, () => {
  let directUrl: string;
  let bouncer: RunningPgBouncer;
  let pns: RunningApp;
  const devices: Device[] = [];
  const api = () => request(pns.baseUrl);
  const path = (userId: string, rest: string) => `/api/users/${encodeURIComponent(userId)}${rest}`;

  beforeAll(async () => {
    directUrl = await createTestDatabase();
    bouncer = await startPgBouncer(binary!, directUrl);
    pns = await startApp(bouncer.url, { DATABASE_LISTEN_URL: directUrl, DATABASE_POOLER: 'pgbouncer', DATABASE_POOL_SIZE: '10' });
  });
  afterEach(() => devices.splice(0).forEach((device) => device.close()));
  afterAll(async () => {
    await pns?.close();
    await bouncer?.stop();
  });

  it('stores concurrent posts through the pooler, lists them, and devices hear every count', async () => {
    const user = newUser();
    const device = await connectCounted(pns, user);
    devices.push(device);
    const before = await pooledTransactions(bouncer.adminUrl, new URL(directUrl).pathname.slice(1));

    // More at once than the pooler has server connections: a named statement prepared on one
    // of them would be missing (or already there) on the next.
    await Promise.all(Array.from({ length: 30 }, (_, n) => postNotification(pns, user, { n })));
    await device.waitForCount(30);

    const list = await api().get(path(user, '/notifications')).query({ limit: 100 }).set(auth).expect(200);
    expect(list.body.items).toHaveLength(30);
    expect((await api().get(path(user, '/counts')).set(auth).expect(200)).body).toMatchObject({ unseen: 30, total: 30 });
    // Through the pooler: at least the grouped insert (concurrent posts share one), the list and the counts read.
    expect(await pooledTransactions(bouncer.adminUrl, new URL(directUrl).pathname.slice(1))).toBeGreaterThanOrEqual(before + 3);
  });

  it('marks notifications seen and read, and the device hears the lower count', async () => {
    const user = newUser();
    const ids = [await postNotification(pns, user, 1), await postNotification(pns, user, 2), await postNotification(pns, user, 3)];
    const device = await connectCounted(pns, user);
    devices.push(device);
    expect(device.lastCount).toBe(3);

    await api().post(path(user, '/notifications/seen')).set(auth).send({ ids: [ids[0]] }).expect(200);
    await device.waitForCount(2);
    // Read implies seen.
    await api().post(path(user, '/notifications/mark')).set(auth).send({ set: 'read', ids: [ids[1]] }).expect(200);
    await device.waitForCount(1);
    expect((await api().get(path(user, '/counts')).set(auth).expect(200)).body).toMatchObject({ unseen: 1, unread: 2, total: 3 });
  });

  it('runs a retention pass under its session lock on the direct connection', async () => {
    const user = newUser();
    const rows = await AgedRows.connect(directUrl);
    try {
      await rows.notifications(user, 5, '90d', '60d');
      const kept = await postNotification(pns, user, 'fresh');
      const result = await pns.app.get(RetentionService).runPass();
      expect(result?.seen).toBeGreaterThanOrEqual(5);
      expect(await rows.notificationIdsOf(user)).toEqual([kept]);
    } finally {
      await rows.close();
    }
  });
});
