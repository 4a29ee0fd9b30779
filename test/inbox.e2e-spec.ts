import pg from 'pg';
import request from 'supertest';
import { auth, startAppWithDatabase, userPath, type AppWithDatabase, type RunningApp } from './support/app';
import { newUser } from './support/factories';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('inbox REST API: marks, counts, changes, lists by state and category', () => {
  let running: AppWithDatabase;
  let pns: RunningApp;
  let db: pg.Client;
  beforeAll(async () => {
    running = await startAppWithDatabase();
    ({ pns, db } = running);
  });
  afterAll(() => running.close());

  const api = () => request(pns.baseUrl);
  const post = async (userId: string, extra: object = {}): Promise<string> =>
    (await api().post('/api/notifications').set(auth).send({ userId, data: { n: 1 }, ...extra }).expect(201)).body.notifications[0].id;
  const mark = (userId: string, body: unknown) => api().post(userPath(userId, '/notifications/mark')).set(auth).set('Content-Type', 'application/json').send(JSON.stringify(body));
  const counts = async (userId: string) => (await api().get(userPath(userId, '/counts')).set(auth).expect(200)).body;
  const list = async (userId: string, query: string) => (await api().get(userPath(userId, `/notifications${query}`)).set(auth).expect(200)).body.items as { id: string }[];
  const ids = async (userId: string, query: string) => (await list(userId, query)).map((item) => item.id);
  const changes = (userId: string, query: string) => api().get(userPath(userId, `/changes${query}`)).set(auth);

  describe('GET …/counts', () => {
    it('answers zeros at version 0 for a user never seen', async () => {
      const userId = newUser();
      expect(await counts(userId)).toEqual({ userId, version: 0, unseen: 0, unread: 0, total: 0, categories: {} });
    });

    it('counts per category, those without one only at the top, categories with total > 0 only', async () => {
      const userId = newUser();
      await post(userId, { category: 'orders' });
      const social = await post(userId, { category: 'social' });
      await post(userId);
      await mark(userId, { set: 'read', ids: [await post(userId, { category: 'orders' })] }).expect(200);
      await mark(userId, { set: 'archived', ids: [social] }).expect(200);
      expect(await counts(userId)).toEqual({
        userId,
        version: 6,
        unseen: 2,
        unread: 2,
        total: 3,
        categories: { orders: { unseen: 1, unread: 1, total: 2 } },
      });
    });
  });

  describe('POST …/notifications/mark', () => {
    it('reads by ids (also marking seen), counts only what changed, ignores ids of others and non-ids', async () => {
      const [owner, other] = [newUser(), newUser()];
      const [first, second] = [await post(owner), await post(owner), await post(owner)];
      const theirs = await post(other);
      const response = await mark(owner, { set: 'read', ids: [first, first, theirs, 'nope', '99999999999999999999'] }).expect(200);
      expect(response.body).toEqual({ updated: 1, counts: { version: 4, unseen: 2, unread: 2, total: 3, categories: {} } });
      expect((await mark(owner, { set: 'read', ids: [first, second] }).expect(200)).body.updated).toBe(1);
      const [read] = await list(owner, '?state=read&limit=1');
      expect(read).toMatchObject({ readAt: expect.stringMatching(ISO_8601), seenAt: expect.stringMatching(ISO_8601), archivedAt: null });
      expect((await counts(other)).unread).toBe(1);
    });

    it('marks unread again: it stays seen', async () => {
      const userId = newUser();
      const id = await post(userId);
      await mark(userId, { set: 'read', all: true }).expect(200);
      expect((await mark(userId, { set: 'unread', ids: [id] }).expect(200)).body).toMatchObject({ updated: 1, counts: { unseen: 0, unread: 1, total: 1 } });
      expect(await ids(userId, '?state=unread')).toEqual([id]);
      expect(await ids(userId, '?state=seen')).toEqual([id]);
    });

    it('archives out of the inbox (and marks seen), unarchives back into it', async () => {
      const userId = newUser();
      const [kept, archived] = [await post(userId), await post(userId)];
      expect((await mark(userId, { set: 'archived', ids: [archived] }).expect(200)).body).toMatchObject({ updated: 1, counts: { unseen: 1, unread: 1, total: 1 } });
      expect(await ids(userId, '?state=all')).toEqual([kept]);
      expect(await ids(userId, '?state=archived')).toEqual([archived]);
      const [item] = await list(userId, '?state=archived');
      expect(item).toMatchObject({ archivedAt: expect.stringMatching(ISO_8601), seenAt: expect.stringMatching(ISO_8601) });
      expect((await mark(userId, { set: 'unarchived', all: true }).expect(200)).body).toMatchObject({ updated: 1, counts: { unseen: 1, unread: 2, total: 2 } });
    });

    it('marks by filter: category (one or several), createdBefore and state together', async () => {
      const userId = newUser();
      const [orderA, social, orderB, other] = [await post(userId, { category: 'orders' }), await post(userId, { category: 'social' }), await post(userId, { category: 'orders' }), await post(userId)];
      await db.query(`UPDATE notifications SET created_at = created_at - interval '1 day' WHERE id = ANY($1::bigint[])`, [[orderA, social]]);
      const before = new Date(Date.now() - 3_600_000).toISOString();
      expect((await mark(userId, { set: 'seen', filter: { category: 'orders', createdBefore: before } }).expect(200)).body.updated).toBe(1);
      expect(await ids(userId, '?state=seen')).toEqual([orderA]);
      expect((await mark(userId, { set: 'read', filter: { category: ['orders', 'social'], state: 'unseen' } }).expect(200)).body.updated).toBe(2);
      expect((await ids(userId, '?state=read')).sort()).toEqual([social, orderB].sort());
      expect((await mark(userId, { set: 'archived', filter: {} }).expect(200)).body.updated).toBe(4);
      expect(await ids(userId, '?state=all')).toEqual([]);
      expect(await ids(userId, '?state=archived')).toContain(other);
    });

    it('tells the user’s devices: the change is in the log right after the answer', async () => {
      const userId = newUser();
      const id = await post(userId);
      const { body } = await mark(userId, { set: 'seen', ids: [id] }).expect(200);
      const log = (await changes(userId, `?since=${body.counts.version - 1}`).expect(200)).body;
      expect(log.changes).toEqual([{ version: body.counts.version, type: 'seen', at: expect.stringMatching(ISO_8601), ids: [id] }]);
    });

    it('queues concurrent marks over the same rows (never a deadlock), and the counts stay exact', async () => {
      const userId = newUser();
      await db.query(`INSERT INTO notifications (user_id, data, category) SELECT $1, '{}', 'c' || (g % 3) FROM generate_series(1, 5000) g`, [userId]);
      const bodies = [
        { set: 'read', all: true },
        { set: 'unread', filter: { category: ['c1', 'c2'] } },
        { set: 'archived', filter: { state: 'unread' } },
        { set: 'unarchived', all: true },
        { set: 'seen', all: true },
      ];
      const marks = Array.from({ length: 30 }, (_, i) => mark(userId, bodies[i % bodies.length]));
      const seen = Array.from({ length: 3 }, () => api().post(userPath(userId, '/notifications/seen')).set(auth).send({ all: true }));
      const statuses = (await Promise.all([...marks, ...seen])).map((response) => response.status);
      expect(statuses).toEqual(statuses.map(() => 200));
      const { rows } = await db.query(
        `SELECT count(*) FILTER (WHERE seen_at IS NULL AND archived_at IS NULL)::int AS unseen, count(*) FILTER (WHERE read_at IS NULL AND archived_at IS NULL)::int AS unread,
           count(*) FILTER (WHERE archived_at IS NULL)::int AS total FROM notifications WHERE user_id = $1`,
        [userId],
      );
      expect(await counts(userId)).toMatchObject(rows[0]);
    });

    describe('refuses bad input with 400, changing nothing', () => {
      const bad: [string, unknown][] = [
        ['no set', { ids: ['1'] }],
        ['an unknown set', { set: 'deleted', ids: ['1'] }],
        ['set snoozed without its parameters', { set: 'snoozed', all: true }],
        ['set as a number', { set: 1, all: true }],
        ['none of ids, filter, all', { set: 'read' }],
        ['ids and all', { set: 'read', ids: ['1'], all: true }],
        ['ids and filter', { set: 'read', ids: ['1'], filter: {} }],
        ['filter and all', { set: 'read', filter: {}, all: true }],
        ['more than 1000 ids', { set: 'read', ids: Array.from({ length: 1001 }, (_, i) => String(i + 1)) }],
        ['empty ids', { set: 'read', ids: [] }],
        ['ids not strings', { set: 'read', ids: [1] }],
        ['all: false', { set: 'read', all: false }],
        ['a bad createdBefore', { set: 'read', filter: { createdBefore: 'yesterday' } }],
        ['an impossible createdBefore', { set: 'read', filter: { createdBefore: '2026-02-30T00:00:00Z' } }],
        ['a bad filter state', { set: 'read', filter: { state: 'deleted' } }],
        ['an empty category', { set: 'read', filter: { category: '' } }],
        ['a category that is a number', { set: 'read', filter: { category: 5 } }],
        ['filter as an array', { set: 'read', filter: [] }],
        ['an unknown field', { set: 'read', all: true, everything: true }],
        ['an unknown filter field', { set: 'read', filter: { color: 'red' } }],
        ['not an object', ['read']],
      ];
      it.each(bad)('%s', async (_why, body) => {
        const userId = newUser();
        const id = await post(userId, { category: 'orders' });
        const before = await counts(userId);
        const response = await mark(userId, body).expect(400);
        expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
        expect(await counts(userId)).toEqual(before);
        expect((await list(userId, '?state=all'))[0]).toMatchObject({ id, seenAt: null, readAt: null, archivedAt: null });
      });
    });
  });

  describe('GET …/changes', () => {
    it('answers every change after since, oldest first, with items for creations', async () => {
      const userId = newUser();
      const first = await post(userId, { category: 'orders' });
      const second = await post(userId);
      await mark(userId, { set: 'read', all: true }).expect(200);
      await api().delete(`/api/notifications/${second}`).set(auth).expect(204);
      const { body } = await changes(userId, '?since=0').expect(200);
      expect(body).toEqual({
        version: 4,
        hasMore: false,
        changes: [
          { version: 1, type: 'created', at: expect.stringMatching(ISO_8601), ids: [first], items: [{ id: first, notification_data: { n: 1 }, category: 'orders', create_date: expect.stringMatching(ISO_8601), seen_date: expect.stringMatching(ISO_8601), read_date: expect.stringMatching(ISO_8601) }] },
          // Items are read when asked for: a notification deleted since is left out.
          { version: 2, type: 'created', at: expect.stringMatching(ISO_8601), ids: [second], items: [] },
          { version: 3, type: 'read', at: expect.stringMatching(ISO_8601), ids: [first, second].sort((a, b) => Number(a) - Number(b)) },
          { version: 4, type: 'deleted', at: expect.stringMatching(ISO_8601), ids: [second] },
        ],
      });
      expect((await changes(userId, '?since=4').expect(200)).body).toEqual({ changes: [], version: 4, hasMore: false });
    });

    it('pages with limit (default 100) and hasMore', async () => {
      const userId = newUser();
      for (let i = 0; i < 5; i++) await post(userId);
      const page = (await changes(userId, '?since=1&limit=2').expect(200)).body;
      expect(page.changes.map((change: { version: number }) => change.version)).toEqual([2, 3]);
      expect(page).toMatchObject({ version: 5, hasMore: true });
      expect((await changes(userId, '?since=3&limit=2').expect(200)).body.hasMore).toBe(false);
      expect((await changes(userId, '?since=0').expect(200)).body.changes).toHaveLength(5);
    });

    it.each([
      ['no since', ''],
      ['a negative since', '?since=-1'],
      ['a fractional since', '?since=1.5'],
      ['a since that is not a number', '?since=abc'],
      ['a since ahead of the version', '?since=3'],
      ['a since far ahead of the version', '?since=999999999999999'],
      ['a since past 2^53', '?since=9007199254740993'],
      ['limit 0', '?since=0&limit=0'],
      ['limit 1001', '?since=0&limit=1001'],
      ['an unknown parameter', '?since=0&after=1'],
    ])('refuses %s with 400', async (_why, query) => {
      const userId = newUser();
      await post(userId);
      await post(userId);
      expect((await changes(userId, query).expect(400)).body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    });
  });

  describe('lists by state and category', () => {
    it('lists every state, never an expired one, and filters by one or several categories', async () => {
      const userId = newUser();
      const [unseen, seen, read, archived, snoozed, expired, social] = [
        await post(userId, { category: 'orders' }),
        await post(userId, { category: 'orders' }),
        await post(userId, { category: 'orders' }),
        await post(userId, { category: 'orders' }),
        await post(userId, { category: 'orders' }),
        await post(userId, { category: 'orders' }),
        await post(userId, { category: 'social' }),
      ];
      await mark(userId, { set: 'seen', ids: [seen] }).expect(200);
      await mark(userId, { set: 'read', ids: [read] }).expect(200);
      await mark(userId, { set: 'archived', ids: [archived] }).expect(200);
      await db.query(`UPDATE notifications SET snoozed_until = now() + interval '1 hour' WHERE id = $1`, [snoozed]);
      await db.query(`UPDATE notifications SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired]);
      const newestFirst = (...list: string[]) => list.reverse();
      expect(await ids(userId, '?state=all&category=orders')).toEqual(newestFirst(unseen, seen, read));
      expect(await ids(userId, '?state=unseen&category=orders')).toEqual([unseen]);
      expect(await ids(userId, '?state=seen')).toEqual(newestFirst(seen, read));
      expect(await ids(userId, '?state=unread')).toEqual(newestFirst(unseen, seen, social));
      expect(await ids(userId, '?state=read')).toEqual([read]);
      expect(await ids(userId, '?state=archived')).toEqual([archived]);
      expect(await ids(userId, '?state=snoozed')).toEqual([snoozed]);
      expect(await ids(userId, '?category=social')).toEqual([social]);
      expect(await ids(userId, '?category=social&category=orders&limit=2')).toEqual(newestFirst(read, social));
      expect(await ids(userId, '?category=none')).toEqual([]);
    });

    it.each([
      ['an unknown state', '?state=deleted'],
      ['an empty category', '?category='],
    ])('refuses %s with 400', async (_why, query) => {
      await api().get(userPath(newUser(), `/notifications${query}`)).set(auth).expect(400);
    });
  });
});
