import pg from 'pg';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import type { Device } from './support/device';
import { asEvent, connectEventStream, eventsOf, storedNotifications, waitForEvents, type CompatEvent } from './support/event-streams';
import { newUser } from './support/factories';
import { eventually } from './support/waiters';

const NOTIFICATIONS = 200;
const IN_FLIGHT = 8;
const DEVICES = 5;
/** Some notifications are inserted in transactions held open a while, so rows commit out of creation order. */
const HELD_EVERY = 10;

/** A small seeded generator (mulberry32): the same moments and timestamps on every run. */
function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The notifier's replay + live on `/subscribe_to_events` (docs/protocol.md), under load: notifications posted through
 * every ingest route, several at once, on two instances, some committing out of creation order,
 * while devices subscribe at random moments from random timestamps. Each device must get every
 * notification created at or after its timestamp exactly once, in creation order.
 */
describe('/subscribe_to_events replay and live delivery under concurrent ingest', () => {
  let databaseUrl: string;
  let instances: RunningApp[];
  const devices: Device[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    instances = await Promise.all([startApp(databaseUrl), startApp(databaseUrl)]);
  });
  afterAll(async () => {
    devices.forEach((device) => device.close());
    await Promise.all(instances.map((pns) => pns.close()));
  });

  it(`gives ${DEVICES} devices subscribing at random moments every notification at or after their timestamp, once, in creation order`, async () => {
    const random = seededRandom(20261122);
    const user = newUser();
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

    let posted = 0;
    let inFlight = 0;
    let held = 0;
    /** Posts notification `n` through one of the routes, on one of the instances. */
    const post = async (n: number) => {
      const pns = instances[n % 2];
      if (n % HELD_EVERY === HELD_EVERY - 1) {
        // Created now (its created_at is its transaction's start), visible only after later ones
        // are. Inserted just before its commit: the insert holds the user's inbox row (the
        // version) to the commit, which the others' inserts would wait for.
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          await client.query('BEGIN');
          await client.query('SELECT now()');
          // Committed only after 1 to 3 later posts were (or once only held ones are still posting).
          const commitAfter = posted + 1 + Math.floor(random() * 3);
          held += 1;
          await eventually(() => posted >= commitAfter || inFlight === held, `${commitAfter} notifications posted`);
          held -= 1;
          await client.query('INSERT INTO notifications (user_id, data) VALUES ($1, $2::jsonb)', [user, JSON.stringify({ n })]);
          await client.query('COMMIT');
        } finally {
          await client.end();
        }
        return;
      }
      const route = n % 3;
      if (route === 0) await request(pns.baseUrl).post(`/api/${user}/push`).set(auth).send({ message: { n } }).expect(200);
      else if (route === 1) await request(pns.baseUrl).post('/push_events').set(auth).send([{ accessid: user, created_at: Date.now(), payload: { n } }]).expect(200);
      else await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId: user, data: { n } }).expect(201);
    };

    // The moments (numbers of notifications already posted) at which devices subscribe.
    const moments = Array.from({ length: DEVICES }, () => Math.floor(random() * NOTIFICATIONS)).sort((x, y) => x - y);
    const subscriptions: { device: Device; timestamp: number }[] = [];
    const subscribe = async () => {
      const stored = await storedNotifications(instances[0], user);
      const times = stored.map((n) => Date.parse(n.createdAt));
      // From the start, exactly at a stored notification (inclusive), just after one, or a little in the future.
      const timestamp = pick([0, pick(times) ?? 0, (pick(times) ?? 0) + 1, Date.now() + 20]);
      const device = await connectEventStream(pick(instances), user, { timestamp });
      devices.push(device);
      subscriptions.push({ device, timestamp });
    };

    let next = 0;
    const subscribing: Promise<void>[] = [];
    const worker = async () => {
      while (next < NOTIFICATIONS) {
        const n = next++;
        while (moments.length > 0 && moments[0] <= posted) {
          moments.shift();
          subscribing.push(subscribe());
        }
        inFlight += 1;
        await post(n);
        inFlight -= 1;
        posted += 1;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await Promise.all(subscribing);
    while (subscriptions.length < DEVICES) await subscribe();
    // Announces the user once more after the last held transaction committed (those are raw SQL, never announced).
    await request(instances[0].baseUrl).post(`/api/${user}/push`).set(auth).send({ message: 'last' }).expect(200);

    const stored = await storedNotifications(instances[0], user);
    expect(stored).toHaveLength(NOTIFICATIONS + 1);
    for (const { device, timestamp } of subscriptions) {
      const expected: CompatEvent[] = stored.filter((n) => Date.parse(n.createdAt) >= timestamp).map((n) => asEvent(user, n));
      // Sent in creation order and "last" created last: a repeat or a stray event would come before it.
      await waitForEvents(device, expected.length);
      expect({ timestamp, events: eventsOf(device) }).toEqual({ timestamp, events: expected });
    }
  }, 60_000);
});
