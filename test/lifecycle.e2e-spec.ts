import pg from 'pg';
import request from 'supertest';
import { auth, startApp, userPath, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { connectCounted } from './support/devices';
import { newUser } from './support/factories';
import { clockPasses, pollUntil } from './support/waiters';

interface Change {
  type: string;
  ids: string[];
  items?: { id: string; seen_date?: string; read_date?: string }[];
}

describe('expiry, snooze and inbox preferences at ingest', () => {
  let pns: RunningApp;
  let db: pg.Client;
  let holder: pg.Client;
  beforeAll(async () => {
    const url = await createTestDatabase();
    pns = await startApp(url, { EXPIRY_SWEEP_INTERVAL: '1s' });
    db = new pg.Client({ connectionString: url });
    holder = new pg.Client({ connectionString: url });
    await Promise.all([db.connect(), holder.connect()]);
  });
  afterAll(async () => {
    await Promise.all([db.end(), holder.end()]);
    await pns.close();
  });

  const api = () => request(pns.baseUrl);
  const post = (body: object) => api().post('/api/notifications').set(auth).send(body);
  const postOne = async (body: object) => (await post(body).expect(201)).body.notifications[0] as { id: string; userId: string };
  const mark = (userId: string, body: object) => api().post(userPath(userId, '/notifications/mark')).set(auth).send(body);
  const counts = async (userId: string) => (await api().get(userPath(userId, '/counts')).set(auth).expect(200)).body;
  const listIds = async (userId: string, query = '') =>
    ((await api().get(userPath(userId, `/notifications${query}`)).set(auth).expect(200)).body.items as { id: string }[]).map((item) => item.id);
  const changes = async (userId: string) => (await api().get(userPath(userId, '/changes?since=0')).set(auth).expect(200)).body.changes as Change[];
  const stored = async (id: string) => (await db.query('SELECT 1 FROM notifications WHERE id = $1', [id])).rowCount === 1;
  const databaseNow = async () => (await db.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now;

  describe('expiry', () => {
    it('hides an expired notification at once, deletes it at the next sweep as "expired" and pushes the count', async () => {
      const userId = newUser();
      const device = await connectCounted(pns, userId);
      const kept = await postOne({ userId, data: 'stays' });
      const { id } = await postOne({ userId, data: 'goes', ttl: '2s' });
      // Held by another session, the row is skipped by the sweeps until it is let go.
      await holder.query('BEGIN');
      const held = await holder.query<{ expires_at: Date }>('SELECT expires_at FROM notifications WHERE id = $1 FOR SHARE', [id]);
      expect(held.rowCount).toBe(1);
      const [{ expires_at: expiresAt }] = held.rows;
      expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(2_000);
      await device.waitForCount(2);
      await clockPasses(expiresAt, databaseNow);
      expect(await listIds(userId)).toEqual([kept.id]);
      expect(await listIds(userId, '?state=unseen')).toEqual([kept.id]);

      // A sweep has run once another expired notification is gone; ours was skipped, not lost.
      const witness = await postOne({ userId: newUser(), data: 'witness', expiresAt: new Date(Date.now() + 1_000).toISOString() });
      await pollUntil(() => stored(witness.id), (present) => !present, 'a sweep to delete the witness');
      expect(await stored(id)).toBe(true);
      await holder.query('COMMIT');

      await pollUntil(() => stored(id), (present) => !present, 'the sweep to delete the expired notification');
      await device.waitForCount(1);
      expect((await changes(userId)).map((change) => [change.type, change.ids])).toEqual([
        ['created', [kept.id]],
        ['created', [id]],
        ['expired', [id]],
      ]);
      expect(await counts(userId)).toMatchObject({ unseen: 1, total: 1 });
      device.close();
    });

    it.each([
      ['both expiresAt and ttl', { expiresAt: '2999-01-01T00:00:00.000Z', ttl: '1h' }],
      ['an expiresAt in the past', { expiresAt: '2020-01-01T00:00:00.000Z' }],
      ['an expiresAt that is no date-time', { expiresAt: 'tomorrow' }],
      ['a ttl that is no duration', { ttl: '2 seconds' }],
      ['a ttl of zero', { ttl: '0s' }],
    ])('refuses %s with 400, storing nothing', async (_case, extra) => {
      const userId = newUser();
      await post({ userId, data: 1, ...extra }).expect(400);
      expect(await listIds(userId)).toEqual([]);
    });
  });

  describe('snooze', () => {
    it('hides and uncounts until "until", then brings the notification back unseen and unread with a count push', async () => {
      const userId = newUser();
      const device = await connectCounted(pns, userId);
      const other = await postOne({ userId, data: 'other', category: 'news' });
      const { id } = await postOne({ userId, data: 'later', category: 'news' });
      await mark(userId, { set: 'read', ids: [id] }).expect(200);
      await device.waitForCount(1);

      const until = new Date(Date.now() + 3_000);
      const snoozed = await mark(userId, { set: 'snoozed', ids: [id], until: until.toISOString() }).expect(200);
      expect(snoozed.body).toMatchObject({ updated: 1, counts: { unseen: 1, unread: 1, total: 1, categories: { news: { total: 1 } } } });
      expect(await listIds(userId)).toEqual([other.id]);
      expect(await listIds(userId, '?state=snoozed')).toEqual([id]);

      await device.waitForCount(2);
      expect((await databaseNow()).getTime()).toBeGreaterThanOrEqual(until.getTime());
      expect(await listIds(userId, '?state=unseen')).toEqual([id, other.id]);
      expect(await listIds(userId, '?state=snoozed')).toEqual([]);
      expect(await counts(userId)).toMatchObject({ unseen: 2, unread: 2, total: 2 });
      const log = await changes(userId);
      expect(log.map((change) => change.type)).toEqual(['created', 'created', 'read', 'snoozed', 'unsnoozed']);
      expect(log[4]).toMatchObject({ ids: [id], items: [{ id }] });
      // Unseen and unread again: an Item carries seen_date and read_date only when set.
      expect(log[4]?.items?.[0]).not.toHaveProperty('seen_date');
      expect(log[4]?.items?.[0]).not.toHaveProperty('read_date');
      device.close();
    });

    it.each([
      ['snoozed without until', { set: 'snoozed', all: true }],
      ['an until in the past', { set: 'snoozed', all: true, until: '2020-01-01T00:00:00.000Z' }],
      ['an until that is no date-time', { set: 'snoozed', all: true, until: 'soon' }],
      ['until with another mark', { set: 'read', all: true, until: '2999-01-01T00:00:00.000Z' }],
    ])('refuses %s with 400', async (_case, body) => {
      const userId = newUser();
      await postOne({ userId, data: 1 });
      await mark(userId, body).expect(400);
      expect(await counts(userId)).toMatchObject({ unseen: 1, unread: 1, total: 1 });
    });
  });

  describe('preferences at ingest', () => {
    const prefer = (userId: string, preferences: object) => api().put(userPath(userId, '/preferences')).set(auth).send(preferences).expect(200);

    it('stores nothing for a recipient whose category is out of their inbox, and says so in their entry', async () => {
      const [quiet, eager] = [newUser(), newUser()];
      await prefer(quiet, { categories: { promo: { inbox: false } } });

      const { body } = await post({ userIds: [quiet, eager], data: 'sale', category: 'promo' }).expect(201);
      expect(body.notifications).toEqual([
        { userId: quiet, suppressed: 'preference' },
        { id: expect.any(String), userId: eager, createdAt: expect.any(String) },
      ]);
      expect(await postOne({ userId: quiet, data: 'receipt', category: 'orders' })).toHaveProperty('id');
      expect((await db.query('SELECT category FROM notifications WHERE user_id = $1', [quiet])).rows).toEqual([{ category: 'orders' }]);
    });

    it('follows the default for categories without a rule, and answers 201 when every recipient is suppressed', async () => {
      const userId = newUser();
      await prefer(userId, { default: { inbox: false, push: true }, categories: { security: { inbox: true } } });
      expect((await post({ userId, data: 1 }).expect(201)).body.notifications).toEqual([{ userId, suppressed: 'preference' }]);
      expect((await post({ userId, data: 2, category: 'security' }).expect(201)).body.notifications[0]).toHaveProperty('id');
      expect(await counts(userId)).toMatchObject({ total: 1, categories: { security: { total: 1 } } });
    });
  });
});
