import pg from 'pg';
import request from 'supertest';
import { StatsService } from '../src/stats/stats.service';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { connectCounted, postNotification } from './support/devices';
import { newUser } from './support/factories';

let pns: RunningApp;
let db: pg.Client;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  pns = await startApp(databaseUrl);
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db.end();
  await pns.close();
});

/** Stores one notification created at `createdAt`, seen `secondsToSeen` later (or never). */
async function notification(userId: string, category: string | null, createdAt: string, secondsToSeen?: number): Promise<void> {
  const { rows } = await db.query<{ id: string }>('INSERT INTO notifications (user_id, data, category, created_at) VALUES ($1, $2, $3, $4) RETURNING id', [userId, '{}', category, createdAt]);
  if (secondsToSeen !== undefined) {
    await db.query(`UPDATE notifications SET seen_at = created_at + make_interval(secs => $2) WHERE id = $1`, [rows[0].id, secondsToSeen]);
  }
}

const stats = async (query: Record<string, string>) => (await request(pns.baseUrl).get('/api/stats').query(query).set(auth).expect(200)).body;

describe('GET /api/stats on a known data set', () => {
  // A day of its own, far from the other tests' notifications (which are created now).
  const day = '2020-05-01';
  beforeAll(async () => {
    const user = newUser();
    // 10:00 UTC: 6 orders, 4 seen after 5 s, 10 s, 30 s and 2000 s (at 10:33, thus still in hour 10).
    for (const seconds of [5, 10, 30, 2000]) await notification(user, 'orders', `${day}T10:00:00Z`, seconds);
    for (let n = 0; n < 2; n++) await notification(user, 'orders', `${day}T10:00:00Z`);
    // 10:30: 4 without a category, one seen after 50 s.
    await notification(user, null, `${day}T10:30:00Z`, 50);
    for (let n = 0; n < 3; n++) await notification(user, null, `${day}T10:30:00Z`);
    // The one seen after 2000 s was read when seen.
    await db.query(`UPDATE notifications SET read_at = seen_at WHERE user_id = $1 AND seen_at = created_at + interval '2000 seconds'`, [user]);
    // 11:59: one order seen at 12:01 (120 s), which the hour 12 holds.
    await notification(user, 'orders', `${day}T11:59:00Z`, 120);
    await pns.app.get(StatsService).recordPushOutcomes([
      { at: new Date(`${day}T10:05:00Z`), category: 'orders', sent: true },
      { at: new Date(`${day}T10:06:00Z`), category: 'orders', sent: true },
      { at: new Date(`${day}T10:07:00Z`), category: null, sent: true },
      { at: new Date(`${day}T10:08:00Z`), category: 'orders', sent: false },
    ]);
  });

  it('counts everything in the window', async () => {
    expect(await stats({ from: `${day}T10:00:00Z`, to: `${day}T12:00:00Z` })).toEqual({
      created: 11,
      seen: 5,
      read: 1,
      // Seen after 5, 10, 30, 50 and 2000 s: the middle one.
      medianSecondsToSeen: 30,
      pushSent: 3,
      pushFailed: 1,
    });
  });

  it('counts one category', async () => {
    // Orders seen after 5, 10, 30 and 2000 s: the lower of the two middle ones.
    expect(await stats({ from: `${day}T10:00:00Z`, to: `${day}T12:00:00Z`, category: 'orders' })).toEqual({
      created: 7,
      seen: 4,
      read: 1,
      medianSecondsToSeen: 10,
      pushSent: 2,
      pushFailed: 1,
    });
  });

  it('counts by whole UTC hours overlapping the window', async () => {
    expect(await stats({ from: `${day}T11:15:00Z`, to: `${day}T12:30:00Z` })).toMatchObject({ created: 1, seen: 1, medianSecondsToSeen: 120 });
    expect(await stats({ from: `${day}T13:00:00Z`, to: `${day}T14:00:00Z` })).toEqual({ created: 0, seen: 0, read: 0, medianSecondsToSeen: null, pushSent: 0, pushFailed: 0 });
  });

  it.each([
    ['a bad date', { from: 'yesterday' }],
    ['from after to', { from: `${day}T12:00:00Z`, to: `${day}T10:00:00Z` }],
    ['an unknown parameter', { user: 'x' }],
  ])('refuses %s with 400', async (_case, query) => {
    await request(pns.baseUrl).get('/api/stats').query(query).set(auth).expect(400);
  });
});

describe('GET /api/stats as notifications come and are seen', () => {
  it('counts what the API stores and marks seen, by default over the last day', async () => {
    const category = `live-${newUser()}`;
    const userId = newUser();
    const created = await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userIds: [userId, newUser()], data: {}, category }).expect(201);
    await request(pns.baseUrl)
      .post(`/api/users/${encodeURIComponent(userId)}/notifications/seen`)
      .set(auth)
      .send({ ids: [created.body.notifications[0].id] })
      .expect(200);
    const counted = await stats({ category });
    expect(counted).toMatchObject({ created: 2, seen: 1 });
    expect(counted.medianSecondsToSeen).toBeLessThan(60);
  });
});

describe('GET /api/users/:userId/stats', () => {
  const userStats = async (userId: string) => (await request(pns.baseUrl).get(`/api/users/${encodeURIComponent(userId)}/stats`).set(auth).expect(200)).body;

  it('answers zeros for a user never seen', async () => {
    expect(await userStats(newUser())).toEqual({ total: 0, unseen: 0, unread: 0, byCategory: {}, lastSeenAt: null, liveDevices: 0 });
  });

  it('counts the inbox by category, when the user last saw one, and the live devices', async () => {
    const userId = newUser('stats user/ü');
    const [order, , , news] = [
      await postNotification(pns, userId, {}, 'orders'),
      await postNotification(pns, userId, {}, 'orders'),
      await postNotification(pns, userId, {}),
      await postNotification(pns, userId, {}, 'news'),
    ];
    const seen = await request(pns.baseUrl)
      .post(`/api/users/${encodeURIComponent(userId)}/notifications/seen`)
      .set(auth)
      .send({ ids: [order] })
      .expect(200);
    expect(seen.body.updated).toBe(1);
    // Read marks it seen too.
    await db.query('UPDATE notifications SET read_at = now(), seen_at = coalesce(seen_at, now()) WHERE id = $1', [news]);
    const { rows } = await db.query<{ last: Date }>('SELECT max(seen_at) AS last FROM notifications WHERE user_id = $1', [userId]);
    const devices = [await connectCounted(pns, userId), await connectCounted(pns, userId)];
    try {
      expect(await userStats(userId)).toEqual({
        total: 4,
        unseen: 2,
        unread: 3,
        byCategory: { orders: { total: 2, unseen: 1, unread: 2 }, news: { total: 1, unseen: 0, unread: 0 } },
        lastSeenAt: rows[0].last.toISOString(),
        liveDevices: 2,
      });
    } finally {
      devices.forEach((device) => device.close());
    }
  });

  it('refuses a bad user id', async () => {
    await request(pns.baseUrl).get(`/api/users/${encodeURIComponent('a\u0001b')}/stats`).set(auth).expect(400);
  });
});
