import { PnsClient, PnsError, PnsGoneError, PnsNetworkError, type Notification } from '../node-client/src/index';
import { startApp, TEST_TOKEN, type RunningApp } from './support/app';
import { methodsOf, recordingCalls } from './support/called-methods';
import { INBOX_METHODS } from './support/node-client-coverage';
import { createTestDatabase } from './support/database';
import { Device } from './support/device';
import { newUser } from './support/factories';
import { startFaultyProxy, type FaultyProxy } from './support/faulty-proxy';

const MAX_NOTIFICATION_BYTES = 16384;
/** Short waits between retries, so the tests about retries stay quick; their number is what matters. */
const QUICK_RETRIES = { retries: 3, delayMs: { min: 20, max: 100 } };

describe('the Node client (node-client/) against a running pns', () => {
  let pns: RunningApp;
  let client: PnsClient;
  let proxy: FaultyProxy;
  /** The client through `proxy`. */
  let proxied: PnsClient;
  /** The methods of either client the tests below call. */
  const called = new Set<string>();

  beforeAll(async () => {
    pns = await startApp(await createTestDatabase());
    client = recordingCalls(new PnsClient({ url: pns.baseUrl, token: TEST_TOKEN }), called);
    proxy = await startFaultyProxy(pns.baseUrl);
    proxied = recordingCalls(new PnsClient({ url: proxy.url, token: TEST_TOKEN, retry: QUICK_RETRIES }), called);
  });
  afterAll(async () => {
    await proxy?.close();
    await pns?.close();
  });

  const allOf = async (userId: string): Promise<Notification[]> => (await client.list(userId, { limit: 500 })).items;
  /** Requests the proxy saw from now on. */
  const requestsFromNow = () => {
    const start = proxy.requests.length;
    return () => proxy.requests.slice(start);
  };
  const expectPnsError = async (call: Promise<unknown>, status: number, error: string, message: RegExp) => {
    const failure = await call.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(failure).toBeInstanceOf(PnsError);
    const { status: actualStatus, error: actualError, message: actualMessage, body } = failure as PnsError;
    expect({ status: actualStatus, error: actualError }).toEqual({ status, error });
    expect(actualMessage).toMatch(message);
    expect(body).toEqual({ statusCode: status, error, message: actualMessage });
  };

  describe('notify, list, unseenCount, markSeen, deleteNotification', () => {
    it('notifies one user with any JSON as data (null, a string, an array) and a category, and lists them newest first', async () => {
      const user = newUser();
      const sent: unknown[] = [null, 'plain text', [1, { nested: true }], { title: 'Shipped' }];
      const ids: string[] = [];
      for (const data of sent) {
        const { notifications } = await client.notify({ userId: user, data, category: 'orders' });
        expect(notifications).toEqual([{ id: expect.any(String), userId: user, createdAt: expect.stringMatching(/Z$/) }]);
        ids.push((notifications[0] as { id: string }).id);
      }
      const listed = await allOf(user);
      expect(listed.map(({ id, data, category, seenAt }) => ({ id, data, category, seenAt }))).toEqual(
        ids.map((id, index) => ({ id, data: sent[index], category: 'orders', seenAt: null })).reverse(),
      );
    });

    it('notifies several users at once, one notification each', async () => {
      const users = [newUser(), newUser(), newUser()];
      const { notifications } = await client.notify({ userIds: users, data: { hello: 'all' } });
      expect(notifications.map((entry) => entry.userId)).toEqual(users);
      for (const user of users) expect((await allOf(user)).map((item) => item.data)).toEqual([{ hello: 'all' }]);
    });

    it('pages with the state, limit and cursor of list', async () => {
      const user = newUser();
      for (let index = 0; index < 5; index += 1) await client.notify({ userId: user, data: index });
      const first = await client.list(user, { state: 'unseen', limit: 2 });
      expect(first.items.map((item) => item.data)).toEqual([4, 3]);
      const second = await client.list(user, { state: 'unseen', limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((item) => item.data)).toEqual([2, 1]);
      const last = await client.list(user, { state: 'unseen', limit: 2, cursor: second.nextCursor! });
      expect(last).toEqual({ items: [expect.objectContaining({ data: 0 })], nextCursor: null });
      expect(await client.list(user, { state: 'seen' })).toEqual({ items: [], nextCursor: null });
    });

    it('answers a user id with any Unicode in it (URL-encoded in the path)', async () => {
      const user = newUser('ünï/côdé ?#%');
      await client.notify({ userId: user, data: 'x' });
      expect(await client.unseenCount(user)).toEqual(expect.objectContaining({ userId: user, count: 1 }));
      expect((await allOf(user)).map((item) => item.userId)).toEqual([user]);
    });

    it('counts unseen notifications and marks them seen by ids or all', async () => {
      const user = newUser();
      const ids: string[] = [];
      for (let index = 0; index < 3; index += 1) ids.push(((await client.notify({ userId: user, data: index })).notifications[0] as { id: string }).id);
      expect(await client.unseenCount(user)).toEqual({ userId: user, count: 3, version: 3 });
      expect(await client.markSeen(user, { ids: [ids[0]] })).toEqual({ updated: 1, count: 2, version: 4 });
      expect(await client.markSeen(user, { all: true })).toEqual({ updated: 2, count: 0, version: 5 });
      expect((await allOf(user)).every((item) => item.seenAt !== null)).toBe(true);
    });

    it('deletes a notification, and rejects deleting it again with a 404', async () => {
      const user = newUser();
      const { notifications } = await client.notify({ userId: user, data: 'gone soon' });
      const { id } = notifications[0] as { id: string };
      await expect(client.deleteNotification(id)).resolves.toBeUndefined();
      expect(await allOf(user)).toEqual([]);
      await expectPnsError(client.deleteNotification(id), 404, 'Not Found', /notification/i);
    });

    it('sends the same key with a caller-given idempotencyKey, so two calls store one notification', async () => {
      const user = newUser();
      const first = await client.notify({ userId: user, data: 'once', idempotencyKey: 'order-1-shipped' });
      const second = await client.notify({ userId: user, data: 'once', idempotencyKey: 'order-1-shipped' });
      expect(second).toEqual(first);
      expect(await allOf(user)).toHaveLength(1);
    });

    it('refuses to send a notification without data, before any request', async () => {
      const requests = requestsFromNow();
      await expect(proxied.notify({ userId: newUser(), data: undefined })).rejects.toThrow(new TypeError('data is required: any JSON value, null included'));
      expect(requests()).toEqual([]);
    });

    it('passes the inbox fields through as pns takes them (dates as ISO-8601)', async () => {
      const requests = requestsFromNow();
      const answer = { notifications: [{ id: '7', userId: 'u1', createdAt: '2026-12-01T00:00:00.000Z', replaced: true }] };
      proxy.failNext({ kind: 'answer', status: 201, body: JSON.stringify(answer) });
      const input = {
        userId: 'u1',
        data: { n: 1 },
        category: 'orders',
        key: 'order-1',
        renotify: false,
        expiresAt: new Date('2026-12-24T18:00:00Z'),
        push: 'always' as const,
        pushDisplay: { title: 'Order 1', body: 'shipped', url: 'https://shop.example.com/orders/1' },
      };
      expect(await proxied.notify(input)).toEqual(answer);
      const [sent] = requests();
      expect(sent.method).toBe('POST');
      expect(sent.url).toBe('/api/notifications');
      expect(JSON.parse(sent.body)).toEqual({ ...input, expiresAt: '2026-12-24T18:00:00.000Z', idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    });
    it('sends push and pushDisplay in the form pns accepts', async () => {
      const user = newUser();
      await client.notify({ userId: user, data: 'pushed', push: 'never', pushDisplay: { title: 'Order 1', body: 'shipped', url: '/orders/1' } });
      expect((await allOf(user)).map((item) => item.data)).toEqual(['pushed']);
      await expectPnsError(client.notify({ userId: user, data: 'x', push: 'sometimes' as never }), 400, 'Bad Request', /push/);
    });
  });

  describe('tickets and dropping connections', () => {
    it('registers a ticket with a generated UUID that a device connects with, then drops the device (4001)', async () => {
      const user = newUser();
      const ticket = await client.registerTicket(user);
      expect(ticket).toEqual({ connectionId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/), userId: user, expiresAt: expect.stringMatching(/Z$/) });
      const device = await Device.connect(pns.wsUrl, { path: `/subscribe?connectionId=${ticket.connectionId}` });
      await device.waitForCount(0, 10_000);
      await client.notify({ userId: user, data: 'for the device' });
      await device.waitForCount(1, 10_000);
      expect(await client.dropConnections(user)).toEqual({ dropped: 1 });
      expect(await device.waitForClose(10_000)).toBe(4001);
      expect(await client.dropConnections(user)).toEqual({ dropped: 0 });
    });

    it('registers the connectionId it is given', async () => {
      const user = newUser();
      const ticket = await client.registerTicket(user, 'my own ticket id');
      expect(ticket).toEqual(expect.objectContaining({ connectionId: 'my own ticket id', userId: user }));
      const device = await Device.connect(pns.wsUrl, { path: `/subscribe?connectionId=${encodeURIComponent('my own ticket id')}` });
      await device.waitForCount(0, 10_000);
      device.close();
    });
  });

  describe('webhooks', () => {
    it('creates a webhook URL that notifies the user, lists it without its secret, and revokes it', async () => {
      const user = newUser();
      const created = await client.createWebhook(user);
      expect(created).toEqual({ id: expect.any(String), url: expect.stringMatching(/\/hooks\/[\w-]{22,}$/) });
      const hookPath = new URL(created.url).pathname;
      const call = (data: unknown) => fetch(pns.baseUrl + hookPath, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data) });
      expect((await call({ via: 'hook' })).status).toBe(201);
      expect((await allOf(user)).map((item) => item.data)).toEqual([{ via: 'hook' }]);

      expect(await client.listWebhooks(user)).toEqual({ items: [{ id: created.id, createdAt: expect.stringMatching(/Z$/) }] });
      await expect(client.revokeWebhook(created.id)).resolves.toBeUndefined();
      expect((await call({ via: 'hook' })).status).toBe(404);
      expect(await client.listWebhooks(user)).toEqual({ items: [] });
      await expectPnsError(client.revokeWebhook(created.id), 404, 'Not Found', /webhook/i);
    });
  });

  describe('typed errors, and nothing stored', () => {
    it('rejects a wrong app token with a 401 PnsError, not retried', async () => {
      const user = newUser();
      const requests = requestsFromNow();
      const intruder = new PnsClient({ url: proxy.url, token: 'not-the-token', retry: QUICK_RETRIES });
      await expectPnsError(intruder.notify({ userId: user, data: 'x' }), 401, 'Unauthorized', /token/i);
      await expectPnsError(intruder.unseenCount(user), 401, 'Unauthorized', /token/i);
      expect(requests().map((seen) => seen.outcome)).toEqual(['forwarded 401', 'forwarded 401']);
      expect(await allOf(user)).toEqual([]);
    });

    it('rejects bad input with a 400 PnsError that says what is wrong', async () => {
      const user = newUser();
      await expectPnsError(client.list(user, { limit: 0 }), 400, 'Bad Request', /limit/);
      const tooMany = Array.from({ length: 1001 }, (_, index) => `${user}-${index}`);
      await expectPnsError(client.notify({ userIds: tooMany, data: 1 }), 400, 'Bad Request', /userIds/);
      await expectPnsError(client.markSeen(user, { ids: [] }), 400, 'Bad Request', /ids/);
      expect(await allOf(`${user}-0`)).toEqual([]);
    });

    it('rejects data over MAX_NOTIFICATION_BYTES with a 413 PnsError', async () => {
      const user = newUser();
      await expectPnsError(client.notify({ userId: user, data: 'x'.repeat(MAX_NOTIFICATION_BYTES) }), 413, 'Payload Too Large', /data/);
      expect(await allOf(user)).toEqual([]);
    });

    it('rejects a 410 of changes with a PnsGoneError carrying the version to resume from', async () => {
      const gone = { statusCode: 410, error: 'Gone', message: 'changes after version 3 are no longer kept; reload and resume from version 42', version: 42 };
      proxy.failNext({ kind: 'answer', status: 410, body: JSON.stringify(gone) });
      const failure = await proxied.changes(newUser(), 3).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PnsGoneError);
      expect(failure).toBeInstanceOf(PnsError);
      expect(failure).toMatchObject({ status: 410, error: 'Gone', message: gone.message, version: 42, body: gone });
    });

    it('rejects a 404 for what does not exist, and keeps a proxy error page as the body', async () => {
      await expectPnsError(client.deleteNotification('999999999'), 404, 'Not Found', /notification/i);
      proxy.failNext({ kind: 'answer', status: 400, headers: { 'Content-Type': 'text/html' }, body: '<h1>Bad gateway config</h1>' });
      const failure = await proxied.unseenCount(newUser()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PnsError);
      expect(failure).toMatchObject({ status: 400, error: 'Bad Request', body: '<h1>Bad gateway config</h1>' });
    });
  });

  describe('retries', () => {
    it('retries a notify whose answer was lost with the same key: exactly one notification, the original id', async () => {
      const users = [newUser(), newUser()];
      const requests = requestsFromNow();
      proxy.failNext({ kind: 'drop-after-forwarding' });
      const { notifications } = await proxied.notify({ userIds: users, data: 'exactly once' });
      const attempts = requests();
      // pns answers the retry 200 or 201 with the original ids (README "The backend API").
      expect(attempts.map((seen) => seen.outcome)).toEqual(['dropped after 201', expect.stringMatching(/^forwarded 20[01]$/)]);
      const keys = attempts.map((seen) => (JSON.parse(seen.body) as { idempotencyKey: string }).idempotencyKey);
      expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(keys[1]).toBe(keys[0]);
      for (const [index, user] of users.entries()) {
        const stored = await allOf(user);
        expect(stored.map((item) => item.data)).toEqual(['exactly once']);
        expect(notifications[index]).toEqual(expect.objectContaining({ id: stored[0].id, userId: user }));
      }
    });

    it('makes a new key for each notify call, so two calls are two notifications', async () => {
      const user = newUser();
      const requests = requestsFromNow();
      await proxied.notify({ userId: user, data: 'first' });
      await proxied.notify({ userId: user, data: 'second' });
      const [first, second] = requests().map((seen) => (JSON.parse(seen.body) as { idempotencyKey: string }).idempotencyKey);
      expect(first).not.toBe(second);
      expect(await allOf(user)).toHaveLength(2);
    });

    it('retries 502, 503 and 504, and gives up with the last error after `retries` retries', async () => {
      const user = newUser();
      await client.notify({ userId: user, data: 1 });
      const requests = requestsFromNow();
      proxy.failNext({ kind: 'answer', status: 502 }, { kind: 'answer', status: 503 }, { kind: 'answer', status: 504 });
      expect(await proxied.unseenCount(user)).toEqual(expect.objectContaining({ count: 1 }));
      expect(requests().map((seen) => seen.outcome)).toEqual(['answered 502', 'answered 503', 'answered 504', 'forwarded 200']);

      const unavailable = { kind: 'answer' as const, status: 503, body: JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: 'try later' }) };
      proxy.failNext(...Array.from({ length: 1 + QUICK_RETRIES.retries }, () => unavailable));
      const bounded = requestsFromNow();
      await expectPnsError(proxied.unseenCount(user), 503, 'Service Unavailable', /try later/);
      expect(bounded()).toHaveLength(1 + QUICK_RETRIES.retries);
      // The faults are used up: the next call goes through at once.
      await proxied.unseenCount(user);
      expect(bounded().at(-1)?.outcome).toBe('forwarded 200');
    });

    it('honours Retry-After (seconds or an HTTP date), and answers a 429 at once when it asks for longer than the longest backoff', async () => {
      const user = newUser();
      const patient = new PnsClient({ url: proxy.url, token: TEST_TOKEN, retry: { retries: 2, delayMs: { min: 20, max: 3000 } } });
      const tooMany = { statusCode: 429, error: 'Too Many Requests', message: 'slow down' };
      proxy.failNext({ kind: 'answer', status: 429, headers: { 'Retry-After': '1' }, body: JSON.stringify(tooMany) });
      const requests = requestsFromNow();
      const started = Date.now();
      await patient.notify({ userId: user, data: 'after a pause' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(requests().map((seen) => seen.outcome)).toEqual(['answered 429', 'forwarded 201']);

      // Retry-After as an HTTP date: two seconds ahead, which its whole-second precision makes one to two.
      proxy.failNext({ kind: 'answer', status: 503, headers: { 'Retry-After': new Date(Date.now() + 2000).toUTCString() } });
      const restarted = Date.now();
      expect(await patient.unseenCount(user)).toEqual(expect.objectContaining({ count: 1 }));
      expect(Date.now() - restarted).toBeGreaterThanOrEqual(900);

      proxy.failNext({ kind: 'answer', status: 429, headers: { 'Retry-After': '60' }, body: JSON.stringify(tooMany) });
      const refused = requestsFromNow();
      await expectPnsError(patient.notify({ userId: user, data: 'not now' }), 429, 'Too Many Requests', /slow down/);
      expect(refused()).toHaveLength(1);
      expect((await allOf(user)).map((item) => item.data)).toEqual(['after a pause']);
    });

    it('does not retry creating a webhook once sent: the lost answer is a PnsNetworkError, and one URL exists', async () => {
      const user = newUser();
      const requests = requestsFromNow();
      proxy.failNext({ kind: 'drop-after-forwarding' });
      await expect(proxied.createWebhook(user)).rejects.toBeInstanceOf(PnsNetworkError);
      expect(requests().map((seen) => seen.outcome)).toEqual(['dropped after 201']);
      expect((await client.listWebhooks(user)).items).toHaveLength(1);
    });

    it('retries creating a webhook after a 429, which pns answers without acting', async () => {
      const user = newUser();
      const requests = requestsFromNow();
      proxy.failNext({ kind: 'answer', status: 429 });
      await proxied.createWebhook(user);
      expect(requests().map((seen) => seen.outcome)).toEqual(['answered 429', 'forwarded 201']);
      expect((await client.listWebhooks(user)).items).toHaveLength(1);
    });

    it('resolves a deletion whose answer was lost: the retry finds it gone', async () => {
      const user = newUser();
      const { id } = (await client.notify({ userId: user, data: 'x' })).notifications[0] as { id: string };
      const requests = requestsFromNow();
      proxy.failNext({ kind: 'drop-after-forwarding' });
      await expect(proxied.deleteNotification(id)).resolves.toBeUndefined();
      expect(requests().map((seen) => seen.outcome)).toEqual(['dropped after 204', 'forwarded 404']);
      expect(await allOf(user)).toEqual([]);
    });

    it('gives up on an attempt after timeoutMs: a read is retried, a webhook creation is not', async () => {
      const user = newUser();
      const impatient = new PnsClient({ url: proxy.url, token: TEST_TOKEN, timeoutMs: 500, retry: QUICK_RETRIES });
      const requests = requestsFromNow();
      proxy.failNext({ kind: 'hold' });
      expect(await impatient.listWebhooks(user)).toEqual({ items: [] });
      expect(requests().map((seen) => seen.outcome)).toEqual(['held', 'forwarded 200']);

      proxy.failNext({ kind: 'hold' });
      const failure = await impatient.createWebhook(user).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PnsNetworkError);
      expect((failure as Error).message).toBe(`POST /api/users/${user}/webhooks: no answer from pns (timed out)`);
      expect(requests().map((seen) => seen.outcome)).toEqual(['held', 'forwarded 200', 'held']);
    });

    it('gives up with a PnsNetworkError when pns cannot be reached, after its retries', async () => {
      const closed = await startFaultyProxy(pns.baseUrl);
      const unreachable = new PnsClient({ url: closed.url, token: TEST_TOKEN, retry: QUICK_RETRIES });
      await closed.close();
      const failure = await unreachable.createWebhook(newUser()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PnsNetworkError);
      expect((failure as Error).message).toMatch(/POST \/api\/users\/.+\/webhooks: no answer from pns \(ECONNREFUSED\)/);
    });
  });

  it('has shown every method of the client at work above, or in the inbox spec', () => {
    expect([...new Set([...called, ...INBOX_METHODS])].sort()).toEqual(methodsOf(PnsClient));
  });
});
