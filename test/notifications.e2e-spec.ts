import request from 'supertest';
import { auth, startApp, TEST_TOKEN, userPath, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { newUser } from './support/factories';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ERROR_SHAPE = { statusCode: expect.any(Number), error: expect.any(String), message: expect.any(String) };

describe('notifications REST API', () => {
  let pns: RunningApp;
  beforeAll(async () => {
    pns = await startApp(await createTestDatabase());
  });
  afterAll(() => pns.close());

  const api = () => request(pns.baseUrl);
  const post = (body: object | string, headers: Record<string, string> = {}) =>
    api().post('/api/notifications').set(auth).set(headers).set('Content-Type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
  const postFor = async (userId: string, data: unknown = { text: 'hi' }, extra: object = {}) => {
    const response = await post({ userId, data, ...extra }).expect(201);
    return response.body.notifications[0] as { id: string; userId: string; createdAt: string };
  };
  const list = async (userId: string, query = '') => (await api().get(userPath(userId, `/notifications${query}`)).set(auth).expect(200)).body;
  const count = async (userId: string) => (await api().get(userPath(userId, '/unseen-count')).set(auth).expect(200)).body.count as number;
  const markSeen = (userId: string, body: object) => api().post(userPath(userId, '/notifications/seen')).set(auth).send(body);
  const expectNothingStoredFor = async (userId: string) => {
    expect((await list(userId, '?state=all')).items).toEqual([]);
    expect(await count(userId)).toBe(0);
  };

  describe('POST /api/notifications', () => {
    it('stores one notification and answers 201 with its id, user and creation time', async () => {
      const userId = newUser();
      const response = await post({ userId, data: { title: 'Hello' }, category: 'greeting' }).expect(201);
      expect(response.body).toEqual({ notifications: [{ id: expect.stringMatching(/^[1-9]\d*$/), userId, createdAt: expect.stringMatching(ISO_8601) }] });
      const [created] = response.body.notifications;
      expect(await list(userId)).toEqual({
        items: [
          {
            id: created.id,
            userId,
            data: { title: 'Hello' },
            category: 'greeting',
            createdAt: created.createdAt,
            seenAt: null,
            readAt: null,
            archivedAt: null,
            updatedAt: null,
            expiresAt: null,
            key: null,
          },
        ],
        nextCursor: null,
      });
      expect(await count(userId)).toBe(1);
    });

    it('stores one per user of userIds, duplicates collapsed, answering in the order given', async () => {
      const [a, b, c] = [newUser(), newUser(), newUser()];
      const response = await post({ userIds: [c, a, c, b], data: 1 }).expect(201);
      expect(response.body.notifications.map((n: { userId: string }) => n.userId)).toEqual([c, a, b]);
      expect(await Promise.all([a, b, c].map(count))).toEqual([1, 1, 1]);
    });

    it('returns data as posted: any JSON value, null and prototype-like keys included', async () => {
      const userId = newUser();
      // Parsed, so "__proto__" is an own key as in the request (an object literal would set the prototype).
      const tricky: unknown = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":1},"toString":"x","emoji":"é🙂"}');
      const values = ['text', 42, false, null, [1, [2, {}]], tricky];
      for (const data of values) await postFor(userId, data);
      const { items } = await list(userId);
      // Equal values, not equal text: jsonb keeps an object's keys in its own order.
      expect(items.map((item: { data: unknown }) => item.data).reverse()).toEqual(values);
      expect(Object.keys(items[0].data)).toContain('__proto__');
    });

    it('accepts the token as Authorization: Bearer', async () => {
      const userId = newUser();
      await api().post('/api/notifications').set('Authorization', `Bearer ${TEST_TOKEN}`).send({ userId, data: 1 }).expect(201);
      expect(await count(userId)).toBe(1);
    });

    it('answers a URL-encoded user id with spaces, slashes and Unicode', async () => {
      const userId = `${newUser()} / ünï 🙂`;
      await postFor(userId);
      expect((await api().get(userPath(userId, '/unseen-count')).set(auth).expect(200)).body).toEqual({ userId, count: 1, version: 1 });
      expect((await list(userId)).items[0].userId).toBe(userId);
    });
  });

  describe('idempotency', () => {
    it('answers a sequential retry 201 with the original notification and stores nothing new', async () => {
      const userId = newUser();
      const first = await post({ userId, data: 1, idempotencyKey: 'order-1' }).expect(201);
      const retry = await post({ userId, data: 'changed' }, { 'Idempotency-Key': 'order-1' }).expect(201);
      const both = await post({ userId, data: 1, idempotencyKey: 'order-1' }, { 'Idempotency-Key': 'order-1' }).expect(201);
      expect(retry.body).toEqual(first.body);
      expect(both.body).toEqual(first.body);
      const { items } = await list(userId);
      expect(items).toHaveLength(1);
      expect(items[0].data).toBe(1);
    });

    it('stores one row when 20 retries race, and every retry gets its id', async () => {
      const [a, b] = [newUser(), newUser()];
      const answers = await Promise.all(Array.from({ length: 20 }, () => post({ userIds: [a, b], data: 'race' }, { 'Idempotency-Key': 'race-1' })));
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
      expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
      expect((await list(a)).items).toHaveLength(1);
      expect((await list(b)).items).toHaveLength(1);
      expect([await count(a), await count(b)]).toEqual([1, 1]);
    });

    it('keeps keys apart per user', async () => {
      const [a, b] = [newUser(), newUser()];
      const forA = await postFor(a, 1, { idempotencyKey: 'shared' });
      const forB = await postFor(b, 1, { idempotencyKey: 'shared' });
      expect(forB.id).not.toBe(forA.id);
    });
  });

  describe('GET /api/users/:userId/notifications', () => {
    it('lists newest first, 50 by default, filtered by state', async () => {
      const userId = newUser();
      const created = [];
      for (let i = 0; i < 55; i++) created.push(await postFor(userId, i));
      await markSeen(userId, { ids: [created[54].id, created[0].id] }).expect(200);
      const page = await list(userId);
      expect(page.items).toHaveLength(50);
      expect(page.items.map((item: { data: number }) => item.data)).toEqual(Array.from({ length: 50 }, (_, i) => 54 - i));
      expect(page.nextCursor).toEqual(expect.any(String));
      expect(page.items[0].seenAt).toMatch(ISO_8601);
      expect(page.items[0].createdAt).toMatch(ISO_8601);
      expect((await list(userId, '?state=seen')).items.map((item: { data: number }) => item.data)).toEqual([54, 0]);
      const unseen = await list(userId, '?state=unseen&limit=500');
      expect(unseen.items).toHaveLength(53);
      expect(unseen.nextCursor).toBeNull();
    });

    it('pages with the cursor over every item exactly once while new ones arrive', async () => {
      const userId = newUser();
      for (let i = 0; i < 7; i++) await postFor(userId, `old-${i}`);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { data: string }[]; nextCursor: string | null } = await list(userId, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.items.map((item) => item.data));
        await postFor(userId, `new-${seen.length}`);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['old-6', 'old-5', 'old-4', 'old-3', 'old-2', 'old-1', 'old-0']);
    });

    it('answers a user never seen with an empty page', async () => {
      expect(await list(newUser())).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('unseen count and seen marks', () => {
    it('answers 0 for an unknown user', async () => {
      const userId = newUser();
      expect((await api().get(userPath(userId, '/unseen-count')).set(auth).expect(200)).body).toEqual({ userId, count: 0, version: 0 });
    });

    it('marks given ids seen, only the user’s own unseen ones counting', async () => {
      const [owner, other] = [newUser(), newUser()];
      const [first, second] = [await postFor(owner), await postFor(owner), await postFor(owner)];
      const theirs = await postFor(other);
      const response = await markSeen(owner, { ids: [first.id, theirs.id, 'not-an-id', '99999999999999999999'] }).expect(200);
      expect(response.body).toEqual({ updated: 1, count: 2, version: 4 });
      expect((await markSeen(owner, { ids: [first.id, second.id] }).expect(200)).body).toEqual({ updated: 1, count: 1, version: 5 });
      expect(await count(other)).toBe(1);
      expect((await list(other)).items[0].seenAt).toBeNull();
      const seenItem = (await list(owner, '?state=seen')).items.find((item: { id: string }) => item.id === first.id);
      expect(seenItem.seenAt).toMatch(ISO_8601);
    });

    it('marks all of a user’s notifications seen, and no one else’s', async () => {
      const [owner, other] = [newUser(), newUser()];
      await post({ userIds: [owner, other], data: 1 }).expect(201);
      await postFor(owner);
      expect((await markSeen(owner, { all: true }).expect(200)).body).toEqual({ updated: 2, count: 0, version: 3 });
      expect((await markSeen(owner, { all: true }).expect(200)).body).toEqual({ updated: 0, count: 0, version: 3 });
      expect(await count(other)).toBe(1);
    });
  });

  describe('DELETE /api/notifications/:id', () => {
    it('answers 204, updates the count, then 404', async () => {
      const userId = newUser();
      const kept = await postFor(userId);
      const removed = await postFor(userId);
      const response = await api().delete(`/api/notifications/${removed.id}`).set(auth).expect(204);
      expect(response.text).toBe('');
      expect(await count(userId)).toBe(1);
      expect((await list(userId)).items.map((item: { id: string }) => item.id)).toEqual([kept.id]);
      const again = await api().delete(`/api/notifications/${removed.id}`).set(auth).expect(404);
      expect(again.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.stringContaining(removed.id) });
    });

    it('answers 404 for ids that cannot exist', async () => {
      for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
        const response = await api().delete(`/api/notifications/${id}`).set(auth).expect(404);
        expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
      }
    });
  });

  describe('the app token', () => {
    const anonymous = [
      ['without a token', {}],
      ['with a wrong token', { 'X-Auth-Token': 'wrong' }],
      ['with a wrong bearer token', { Authorization: 'Bearer wrong' }],
    ] as const;

    it.each(anonymous)('answers 401 %s on every route and changes nothing', async (_why, headers) => {
      const userId = newUser();
      const existing = await postFor(userId);
      const calls = [
        api().post('/api/notifications').set(headers).send({ userId, data: 1 }),
        api().get(userPath(userId, '/notifications')).set(headers),
        api().get(userPath(userId, '/unseen-count')).set(headers),
        api().post(userPath(userId, '/notifications/seen')).set(headers).send({ all: true }),
        api().delete(`/api/notifications/${existing.id}`).set(headers),
      ];
      for (const response of await Promise.all(calls)) {
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
      }
      expect((await list(userId)).items.map((item: { id: string; seenAt: null }) => [item.id, item.seenAt])).toEqual([[existing.id, null]]);
    });
  });

  describe('bad input: 4xx with the error shape, nothing stored', () => {
    const badPosts: [string, (userId: string) => object | string, Record<string, string>?, number?][] = [
      ['malformed JSON', (userId) => `{"userId": ${JSON.stringify(userId)}, "data": `],
      ['an array body', (userId) => [{ userId, data: 1 }]],
      ['a string body', () => '"hello"'],
      ['missing data', (userId) => ({ userId })],
      ['missing userId and userIds', () => ({ data: 1 })],
      ['both userId and userIds', (userId) => ({ userId, userIds: [userId], data: 1 })],
      ['userId null', (userId) => ({ userId: null, userIds: [userId], data: 1 })],
      ['1001 userIds', (userId) => ({ userIds: [userId, ...Array.from({ length: 1000 }, (_, i) => `${userId}-${i}`)], data: 1 })],
      ['empty userIds', () => ({ userIds: [], data: 1 })],
      ['userIds not an array', (userId) => ({ userIds: userId, data: 1 })],
      ['a userId with a control character', (userId) => ({ userIds: [userId, `${userId}\u0007`], data: 1 })],
      ['a userId with a tab', (userId) => ({ userIds: [userId, `${userId}\t`], data: 1 })],
      ['a 256-character userId', (userId) => ({ userIds: [userId, 'x'.repeat(256)], data: 1 })],
      ['a userId that is a number', (userId) => ({ userIds: [userId, 42], data: 1 })],
      ['data over the limit', (userId) => ({ userId, data: 'x'.repeat(16383) }), {}, 413],
      ['data over the limit in UTF-8 bytes', (userId) => ({ userId, data: 'é'.repeat(8192) }), {}, 413],
      ['a body over the HTTP body limit', (userId) => ({ userId, data: 'x'.repeat(2 ** 20) }), {}, 413],
      ['data with a NUL character', (userId) => ({ userId, data: { text: 'a\u0000b' } })],
      ['category not a string', (userId) => ({ userId, data: 1, category: 7 })],
      ['category of 256 characters', (userId) => ({ userId, data: 1, category: 'c'.repeat(256) })],
      ['empty idempotencyKey', (userId) => ({ userId, data: 1, idempotencyKey: '' })],
      ['idempotencyKey header and body differ', (userId) => ({ userId, data: 1, idempotencyKey: 'a' }), { 'Idempotency-Key': 'b' }],
      ['an Idempotency-Key header of 256 characters', (userId) => ({ userId, data: 1 }), { 'Idempotency-Key': 'k'.repeat(256) }],
      ['an unknown field', (userId) => ({ userId, data: 1, priority: 'high' })],
    ];

    it.each(badPosts)('POST with %s', async (_why, body, headers = {}, status = 400) => {
      const userId = newUser();
      const response = await post(body(userId), headers);
      expect(response.status).toBe(status);
      expect(response.body).toEqual({ ...ERROR_SHAPE, statusCode: status });
      expect(response.body.message).not.toBe('');
      await expectNothingStoredFor(userId);
    });

    it('POST with a body that is not JSON', async () => {
      const userId = newUser();
      const response = await api().post('/api/notifications').set(auth).set('Content-Type', 'text/plain').send(`userId=${userId}`).expect(400);
      expect(response.body).toEqual({ ...ERROR_SHAPE, statusCode: 400, message: 'the body must be a JSON object' });
      await expectNothingStoredFor(userId);
    });

    it.each([
      ['limit 0', '?limit=0', /limit/],
      ['limit 501', '?limit=501', /limit/],
      ['limit abc', '?limit=abc', /limit/],
      ['limit 1.5', '?limit=1.5', /limit/],
      ['an empty limit', '?limit=', /limit/],
      ['a bad state', '?state=new', /state/],
      ['a bad cursor', '?cursor=not*a*cursor', /cursor/],
      ['a forged cursor', `?cursor=${Buffer.from('abc:def').toString('base64url')}`, /cursor/],
      ['an unknown parameter', '?sort=asc', /sort/],
    ])('GET the listing with %s', async (_why, query, message) => {
      const userId = newUser();
      await postFor(userId);
      const response = await api().get(userPath(userId, `/notifications${query}`)).set(auth).expect(400);
      expect(response.body).toEqual({ ...ERROR_SHAPE, statusCode: 400, message: expect.stringMatching(message) });
    });

    it.each([
      ['neither ids nor all', () => ({})],
      ['both ids and all', (id: string) => ({ ids: [id], all: true })],
      ['all false', () => ({ all: false })],
      ['all null with ids', (id: string) => ({ ids: [id], all: null })],
      ['empty ids', () => ({ ids: [] })],
      ['ids that are numbers', (id: string) => ({ ids: [Number(id)] })],
      ['ids not an array', (id: string) => ({ ids: id })],
      ['1001 ids', (id: string) => ({ ids: Array.from({ length: 1001 }, () => id) })],
    ])('POST seen with %s', async (_why, body) => {
      const userId = newUser();
      const existing = await postFor(userId);
      const response = await markSeen(userId, body(existing.id)).expect(400);
      expect(response.body).toEqual({ ...ERROR_SHAPE, statusCode: 400 });
      expect(await count(userId)).toBe(1);
    });

    it.each([
      ['a control character', 'bad%07user'],
      ['256 characters', 'u'.repeat(256)],
    ])('a path userId with %s', async (_why, userId) => {
      for (const route of ['/notifications', '/unseen-count']) {
        const response = await api().get(`/api/users/${userId}${route}`).set(auth).expect(400);
        expect(response.body).toEqual({ ...ERROR_SHAPE, statusCode: 400, message: expect.stringMatching(/userId/) });
      }
    });
  });
});
