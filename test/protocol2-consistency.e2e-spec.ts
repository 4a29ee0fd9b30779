import pg from 'pg';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { RetentionService } from '../src/retention/retention.service';
import { createTestDatabase, databaseNow } from './support/database';
import { DatabaseClient } from './support/database-client';
import { postNotification } from './support/devices';
import { newUser } from './support/factories';
import { countsOf, InboxDevice, markVia } from './support/inbox-devices';
import { clockPasses } from './support/waiters';

const WRITING_MS = 3_000;
/** Each writer's least number of writes, however slow the machine: the posts alone make more than 20 versions. */
const WRITES_EACH = 25;

/** Consecutive versions from `from` to `to`. */
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);

/**
 * Protocol 2 across two instances on one database (docs/protocol.md, Protocol 2): every device
 * gets every change once and in order, whoever made it where, and its last counts are the truth;
 * a device that was away gets what it missed, or a resync when the log no longer has it.
 */
describe('protocol 2 across instances: exact counts, every change once, resume', () => {
  let a: RunningApp;
  let b: RunningApp;
  let databaseUrl: string;
  let database: DatabaseClient;
  const open: InboxDevice[] = [];
  const connect = async (pns: RunningApp, userId: string, transport: 'websocket' | 'sse', options: { since?: number } = {}) => {
    const device = await InboxDevice.connect(pns, userId, transport, options);
    open.push(device);
    return device;
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    [a, b] = await Promise.all([startApp(databaseUrl), startApp(databaseUrl)]);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    database = new DatabaseClient(client);
  });
  afterEach(() => open.splice(0).forEach((device) => device.close()));
  afterAll(async () => {
    await database.end();
    await Promise.all([a.close(), b.close()]);
  });

  it('four writers on two instances, three devices on both: each device ends on the true counts, with every version once and in order', async () => {
    const user = newUser();
    const ids = [await postNotification(a, user, 'first', 'x')];
    const devices = [await connect(a, user, 'websocket'), await connect(b, user, 'sse'), await connect(b, user, 'websocket')];
    await Promise.all(devices.map((device) => device.waitFor((d) => d.lastCounts !== undefined, 'the first counts')));
    const startVersions = devices.map((device) => device.lastCounts!.version);

    const pick = () => ids[Math.floor(Math.random() * ids.length)];
    const instance = (n: number) => (n % 2 === 0 ? a : b);
    const until = Date.now() + WRITING_MS;
    const writer = async (write: (n: number) => Promise<unknown>) => {
      for (let n = 0; n < WRITES_EACH || Date.now() < until; n += 1) await write(n);
    };
    await Promise.all([
      writer(async (n) => ids.push(await postNotification(instance(n), user, { n }, ['x', 'y', undefined][n % 3]))),
      writer((n) => markVia(instance(n), user, { set: n % 4 === 3 ? 'unread' : 'read', ids: [pick()] }).expect(200)),
      writer((n) => markVia(instance(n + 1), user, n % 5 === 4 ? { set: 'archived', filter: { category: 'y' } } : { set: 'archived', ids: [pick()] }).expect(200)),
      writer((n) => request(instance(n).baseUrl).delete(`/api/notifications/${pick()}`).set(auth).expect((response) => expect([204, 404]).toContain(response.status))),
    ]);

    const truth = await countsOf(a, user);
    expect(truth).toEqual({ version: truth.version, ...(await database.countedByScan(user)) });
    expect(await countsOf(b, user)).toEqual(truth);
    // The writers' least writes made versions enough (deletes of a deleted id make none).
    expect(truth.version).toBeGreaterThan(startVersions[0] + 20);
    for (const device of devices) await device.waitForVersion(truth.version);
    for (const [index, device] of devices.entries()) {
      expect(device.lastCounts).toEqual(truth);
      expect(device.changes.map((change) => change.version)).toEqual(range(startVersions[index] + 1, truth.version));
      // Counts only ever move forward on one connection.
      const countVersions = device.events.filter((event) => event.name === 'counts').map((event) => (event.data as { version: number }).version);
      expect(countVersions).toEqual([...countVersions].sort((x, y) => x - y));
    }
  });

  it.each(['websocket', 'sse'] as const)('a %s device away while 200 changes happen gets exactly those on its return, in order, then live ones', async (transport) => {
    const user = newUser();
    const first = await connect(a, user, transport);
    await first.waitFor((device) => device.lastCounts !== undefined, 'the first counts');
    const seen = first.lastCounts!.version;
    first.close();

    const ids: string[] = [];
    for (let n = 0; n < 120; n += 1) ids.push(await postNotification(n % 2 === 0 ? a : b, user, { n }, n % 2 === 0 ? 'even' : undefined));
    for (let n = 0; n < 80; n += 1) await markVia(n % 2 === 0 ? b : a, user, { set: 'read', ids: [ids[n]] }).expect(200);

    const back = await connect(b, user, transport, { since: seen });
    await back.waitForVersion(seen + 200);
    expect(back.trace).toEqual([...range(seen + 1, seen + 200).map((version) => `change ${version}`), `counts ${seen + 200}`]);
    expect(back.changes.slice(0, 120).map((change) => [change.type, change.ids])).toEqual(ids.map((id) => ['created', [id]]));
    expect(back.changes.slice(120).map((change) => [change.type, change.ids])).toEqual(ids.slice(0, 80).map((id) => ['read', [id]]));
    // A replayed creation shows the notification as it is now: read since.
    expect(back.changes[0].items).toEqual([expect.objectContaining({ id: ids[0], category: 'even', read_date: expect.any(String), seen_date: expect.any(String) })]);
    expect(back.lastCounts).toEqual(await countsOf(a, user));

    const live = await postNotification(a, user, 'live');
    await back.waitForVersion(seen + 201);
    expect(back.trace.slice(-2)).toEqual([`change ${seen + 201}`, `counts ${seen + 201}`]);
    expect(back.changes.at(-1)).toMatchObject({ type: 'created', ids: [live] });
    if (transport === 'sse') expect(back.events.map((event) => Number(event.id))).toEqual([...range(seen + 1, seen + 200), seen + 200, seen + 201, seen + 201]);
  });

  it.each(['websocket', 'sse'] as const)('a %s device resuming from before what the log keeps gets resync with the current version, then counts, then live changes', async (transport) => {
    const user = newUser();
    for (let n = 0; n < 5; n += 1) await postNotification(a, user, n);
    await database.setPrunedVersion(user, 3);
    const device = await connect(b, user, transport, { since: 2 });
    await device.waitForVersion(5);
    expect(device.events.slice(0, 2).map((event) => [event.name, event.data])).toEqual([
      ['resync', { version: 5 }],
      ['counts', await countsOf(a, user)],
    ]);
    await postNotification(a, user, 'live');
    await device.waitForVersion(6);
    expect(device.trace).toEqual(['resync 5', 'counts 5', 'change 6', 'counts 6']);

    // From exactly what is kept, no resync.
    const kept = await connect(a, user, transport, { since: 3 });
    await kept.waitForVersion(6);
    expect(kept.trace).toEqual(['change 4', 'change 5', 'change 6', 'counts 6']);
  });

  it('after a retention pass dropped the changes older than CHANGE_RETENTION, a device resuming from before them gets resync', async () => {
    const retaining = await startApp(databaseUrl, { CHANGE_RETENTION: '1s' });
    try {
      const user = newUser();
      for (let n = 0; n < 3; n += 1) await postNotification(a, user, n);
      const page = await request(a.baseUrl).get(`/api/users/${user}/changes`).query({ since: 2 }).set(auth).expect(200);
      const lastAt = Date.parse((page.body as { changes: { at: string }[] }).changes[0].at);
      // Every change is older than CHANGE_RETENTION by the database's clock.
      await clockPasses(new Date(lastAt + 1000), () => databaseNow(databaseUrl));
      await retaining.app.get(RetentionService).runPass();
      await request(a.baseUrl).get(`/api/users/${user}/changes`).query({ since: 1 }).set(auth).expect(410);

      const device = await connect(b, user, 'sse', { since: 1 });
      await device.waitForVersion(3);
      expect(device.trace).toEqual(['resync 3', 'counts 3']);
      expect(device.events[0].id).toBe('3');
    } finally {
      await retaining.close();
    }
  });

  it('a since ahead of the user version is answered with resync to the current version', async () => {
    const user = newUser();
    await postNotification(a, user, 'one');
    const device = await connect(a, user, 'websocket', { since: 40 });
    await device.waitForVersion(1);
    expect(device.trace).toEqual(['resync 1', 'counts 1']);
  });
});
