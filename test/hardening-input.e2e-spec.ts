import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { Device, UpgradeRefused } from './support/device';
import { connectCounted, registerTicket, unseenCount } from './support/devices';
import { connectEventStream } from './support/event-streams';
import { newUser } from './support/factories';
import { FakeDelegate } from './support/fake-delegate';

/** JSON string escapes of what PostgreSQL cannot store exactly: three lone surrogates and NUL. */
const LONE_SURROGATES = ['\\ud800', '\\udbff', '\\udc00'];
const UNSTORABLE = [...LONE_SURROGATES, '\\u0000'];
/** Far past the nesting limit, as a hostile client sent it: 10,000 levels, about 20 KB. */
const DEEP = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
const DEEP_OBJECTS = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
const ERROR_SHAPE = { statusCode: 400, error: 'Bad Request', message: expect.any(String) };

/**
 * Strings that cannot be stored exactly, and JSON nested past the limit, on every route and
 * frame that takes them (docs/api.md, Limits): refused with 400 or a bad_request frame, nothing
 * stored, never a 500 and never one user's data in another's inbox.
 */
describe('hostile input', () => {
  let pns: RunningApp;
  let delegate: FakeDelegate;
  let delegated: RunningApp;
  const devices: Device[] = [];

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    delegate = await FakeDelegate.start();
    [pns, delegated] = await Promise.all([startApp(databaseUrl), startApp(databaseUrl, { AUTH_DELEGATE_URL: delegate.url })]);
  });
  afterEach(() => devices.splice(0).forEach((device) => device.close()));
  afterAll(async () => {
    await Promise.all([pns.close(), delegated.close()]);
    await delegate.close();
  });

  const postText = (path: string, text: string, headers: Record<string, string> = auth) =>
    request(pns.baseUrl).post(path).set(headers).set('Content-Type', 'application/json').send(text);
  const itemsOf = async (userId: string) =>
    (await request(pns.baseUrl).get(`/api/users/${encodeURIComponent(userId)}/notifications`).set(auth).expect(200)).body.items as unknown[];
  const expectNothingStoredFor = async (...userIds: string[]) => {
    for (const userId of userIds) {
      expect(await itemsOf(userId)).toEqual([]);
      expect(await unseenCount(pns, userId)).toBe(0);
    }
  };
  const connect = async (userId: string) => {
    const device = await connectCounted(pns, userId);
    devices.push(device);
    return device;
  };
  const createHook = async (userId: string) => {
    const response = await request(pns.baseUrl).post(`/api/users/${encodeURIComponent(userId)}/webhooks`).set(auth).expect(201);
    return new URL(response.body.url as string).pathname;
  };

  describe('user ids that would collapse into U+FFFD', () => {
    it('are refused one by one, and nothing lands in the inbox of the U+FFFD user', async () => {
      const suffix = newUser('');
      for (const escape of LONE_SURROGATES) {
        const response = await postText('/api/notifications', `{"userId": "${escape}${suffix}", "data": 1}`).expect(400);
        expect(response.body).toEqual({ ...ERROR_SHAPE, message: expect.stringMatching(/surrogate/) });
      }
      await expectNothingStoredFor(`\ufffd${suffix}`);
    });

    it.each(UNSTORABLE)('refuses %s in every string field of POST /api/notifications', async (escape) => {
      const user = newUser();
      const bodies = [
        `{"userIds": ["${user}", "${user}${escape}"], "data": 1}`,
        `{"userId": "${user}", "data": 1, "category": "c${escape}"}`,
        `{"userId": "${user}", "data": 1, "idempotencyKey": "k${escape}"}`,
        `{"userId": "${user}", "data": {"text": "a${escape}b"}}`,
        `{"userId": "${user}", "data": {"a${escape}": 1}}`,
        `{"userId": "${user}", "data": ["${escape}"]}`,
      ];
      for (const body of bodies) {
        const response = await postText('/api/notifications', body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(response.body).toEqual(ERROR_SHAPE);
      }
      await expectNothingStoredFor(user, `${user}\ufffd`);
    });

    it('refuses them in the compat routes, and drop_user drops nobody', async () => {
      const user = newUser();
      const replacement = `\ufffd${user}`;
      const device = await connect(replacement);
      for (const escape of LONE_SURROGATES) {
        await postText(`/api/${encodeURIComponent(user)}/push`, `{"message": "${escape}"}`).expect(400);
        await postText('/push_events', `[{"accessid": "${escape}${user}", "created_at": 1, "payload": 1}]`).expect(400);
        await postText('/push_events', `[{"accessid": "${user}", "created_at": 1, "payload": {"x": "${escape}"}}]`).expect(400);
        await postText('/drop_user', `{"drop_access_id": "${escape}${user}"}`).expect(400);
      }
      await expectNothingStoredFor(user, replacement);
      expect(device.closeCode).toBeUndefined();
    });

    it('refuses them in a webhook call', async () => {
      const user = newUser();
      const hook = await createHook(user);
      for (const escape of UNSTORABLE) {
        const response = await postText(hook, `{"message": "a${escape}"}`, {});
        expect(response.status).toBe(400);
        expect(response.body).toEqual(ERROR_SHAPE);
      }
      await expectNothingStoredFor(user);
    });

    it('answers a device frame carrying one with bad_request, on the WebSocket and over POST /subscribe/requests', async () => {
      const user = newUser();
      const device = await connect(user);
      const ticket = await registerTicket(pns, user);
      for (const escape of UNSTORABLE) {
        const frame = `{"notificationDataRequest": {"receivedAfter": "2024-01-01${escape}"}, "requestId": "r"}`;
        device.send(frame);
        expect(await device.nextFrame((answer) => 'error' in answer)).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/NUL|surrogate/) } });
        const response = await request(pns.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).set('Content-Type', 'application/json').send(frame).expect(400);
        expect(response.body).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/NUL|surrogate/) } });
      }
    });

    it('refuses a /subscribe_to_events access_id made of one', async () => {
      const user = newUser();
      const stream = await connectEventStream(pns, user);
      devices.push(stream);
      stream.send(`{"access_id": "\\ud800${user}", "timestamp": 0}`);
      expect(await stream.waitForClose()).toBe(1008);
    });

    it('does not take a user id the delegate answers with one', async () => {
      delegate.answerWith({ status: 200, body: '{"user_id": "\\ud800"}', headers: { 'Content-Type': 'application/json' } });
      const refused = await Device.connect(delegated.wsUrl).then(
        (device) => {
          devices.push(device);
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(UpgradeRefused);
    });

    it.each(['%00', '%ED%A0%80', '%ED%B0%80x'])('refuses %s as the user id of every route that takes one in its path', async (encoded) => {
      const routes: [string, string, string?][] = [
        ['GET', `/api/users/${encoded}/notifications`],
        ['GET', `/api/users/${encoded}/unseen-count`],
        ['POST', `/api/users/${encoded}/notifications/seen`, '{"all": true}'],
        ['POST', `/api/users/${encoded}/notifications/mark`, '{"set": "read", "all": true}'],
        ['GET', `/api/users/${encoded}/counts`],
        ['GET', `/api/users/${encoded}/changes?since=0`],
        ['DELETE', `/api/users/${encoded}/connections`],
        ['POST', `/api/users/${encoded}/webhooks`],
        ['GET', `/api/users/${encoded}/webhooks`],
        ['POST', `/api/users/${encoded}/push-subscriptions`, '{"fcm": {"token": "t"}}'],
        ['GET', `/api/users/${encoded}/push-subscriptions`],
        ['GET', `/api/users/${encoded}/preferences`],
        ['PUT', `/api/users/${encoded}/preferences`, '{"default": {"inbox": true, "push": true}, "categories": {}, "quietHours": null}'],
        ['GET', `/api/users/${encoded}/stats`],
        ['PUT', `/api/${encoded}/register?connectionId=c`],
        ['POST', `/api/${encoded}/push`, '{"message": 1}'],
      ];
      for (const [method, path, body] of routes) {
        const response = await request(pns.baseUrl)[method.toLowerCase() as 'get'](path).set(auth).set('Content-Type', 'application/json').send(body);
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 400 });
      }
    });

    it.each(UNSTORABLE)('refuses %s in every string of the inbox, push, preferences and event-hook bodies', async (escape) => {
      const user = newUser();
      await postText('/api/notifications', `{"userId": "${user}", "data": 1, "category": "c"}`).expect(201);
      const bodies: [string, string, string][] = [
        ['POST', '/api/notifications', `{"userId": "${user}", "data": 1, "key": "k${escape}"}`],
        ['POST', '/api/notifications', `{"userId": "${user}", "data": 1, "ttl": "1h${escape}"}`],
        ['POST', '/api/notifications', `{"userId": "${user}", "data": 1, "pushDisplay": {"title": "t${escape}"}}`],
        ['POST', `/api/users/${user}/notifications/mark`, `{"set": "read", "filter": {"category": "c${escape}"}}`],
        ['POST', `/api/users/${user}/push-subscriptions`, `{"fcm": {"token": "t${escape}"}}`],
        ['PUT', `/api/users/${user}/preferences`, `{"default": {"inbox": true, "push": true}, "categories": {"c${escape}": {"inbox": false}}, "quietHours": null}`],
        ['POST', '/api/event-hooks', `{"url": "https://example.com/${escape}", "events": ["notification.created"]}`],
      ];
      for (const [method, path, body] of bodies) {
        const response = await request(pns.baseUrl)[method.toLowerCase() as 'post'](path).set(auth).set('Content-Type', 'application/json').send(body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
      }
      // Nothing changed: the one notification is still unread, the user has no subscription nor preferences of its own.
      expect((await request(pns.baseUrl).get(`/api/users/${user}/counts`).set(auth).expect(200)).body).toMatchObject({ unseen: 1, unread: 1, total: 1 });
      expect((await request(pns.baseUrl).get(`/api/users/${user}/push-subscriptions`).set(auth).expect(200)).body).toEqual({ items: [] });
      expect((await request(pns.baseUrl).get(`/api/users/${user}/preferences`).set(auth).expect(200)).body.categories).toEqual({});
    });

    // A query string cannot carry a lone surrogate (its UTF-8 would be malformed); a NUL it can.
    it('refuses a NUL in a category filter of a list and of the statistics', async () => {
      await request(pns.baseUrl).get(`/api/users/${newUser()}/notifications?category=c%00`).set(auth).expect(400);
      await request(pns.baseUrl).get('/api/stats?category=c%00').set(auth).expect(400);
    });

    it('answers every kind of device frame carrying one with bad_request', async () => {
      const device = await connect(newUser());
      for (const escape of UNSTORABLE) {
        const frames = [
          `{"unseenNotificationDataRequest": {"limit": 1, "x": "${escape}"}}`,
          `{"seenNotificationsRequest": {"receivedAfter": "2024-01-01${escape}"}}`,
          `{"webhookRequest": {}, "requestId": "${escape}"}`,
          `{"countsRequest": {"x": "${escape}"}}`,
          `{"changesRequest": {"since": 0, "x": "${escape}"}}`,
          `{"markRequest": {"set": "read", "filter": {"category": "c${escape}"}}}`,
          `{"pushSubscribeRequest": {"fcm": {"token": "t${escape}"}}}`,
          `{"pushUnsubscribeRequest": {"id": "${escape}"}}`,
          `{"preferencesRequest": {"x": "${escape}"}}`,
          `{"preferencesUpdate": {"default": {"inbox": true, "push": true}, "categories": {"c${escape}": {}}, "quietHours": null}}`,
        ];
        for (const frame of frames) {
          const since = device.frames.length;
          device.send(frame);
          expect({ frame, answer: await device.nextFrame(() => true, { since }) }).toEqual({ frame, answer: { error: { code: 'bad_request', message: expect.stringMatching(/NUL|surrogate/) } } });
        }
      }
    });

    it('refuses a NUL in a path user id and a ticket', async () => {
      await request(pns.baseUrl).get('/api/users/a%00b/unseen-count').set(auth).expect(400);
      await request(pns.baseUrl).put('/api/u1/register').query({ connectionId: 'a\u0000b' }).set(auth).expect(400);
    });
  });

  it('fails no one else: 40 concurrent clients, 10 of them posting data PostgreSQL cannot store, every valid POST is 201', async () => {
    const clients = Array.from({ length: 40 }, (_, index) => ({ user: newUser(), bad: index % 4 === 0 }));
    const postsPerClient = 10;
    const statuses = await Promise.all(
      clients.map(async ({ user, bad }) => {
        const seen: number[] = [];
        for (let i = 0; i < postsPerClient; i += 1) {
          const data = bad ? `{"text": "${UNSTORABLE[i % UNSTORABLE.length]}"}` : `{"i": ${i}}`;
          seen.push((await postText('/api/notifications', `{"userId": "${user}", "data": ${data}}`)).status);
        }
        return seen;
      }),
    );
    clients.forEach(({ bad }, index) => expect(statuses[index]).toEqual(Array(postsPerClient).fill(bad ? 400 : 201)));
    for (const { user, bad } of clients) expect(await unseenCount(pns, user)).toBe(bad ? 0 : postsPerClient);
  });

  describe('JSON nested past the limit', () => {
    it.each([
      ['POST /api/notifications', () => `{"userId": "u", "data": ${DEEP}}`],
      ['POST /api/notifications, objects', () => `{"userId": "u", "data": ${DEEP_OBJECTS}}`],
      ['POST /api/users/:userId/push', () => `{"message": ${DEEP}}`],
      ['POST /push_events', () => `[{"accessid": "u", "created_at": 1, "payload": ${DEEP}}]`],
      ['POST /api/users/:userId/notifications/seen', () => `{"ids": ${DEEP}}`],
    ])('is a 400 on %s', async (route, body) => {
      const path = { 'POST /api/notifications': '/api/notifications', 'POST /api/notifications, objects': '/api/notifications', 'POST /api/users/:userId/push': '/api/u/push', 'POST /push_events': '/push_events' }[route as string] ?? '/api/users/u/notifications/seen';
      const response = await postText(path, body());
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ ...ERROR_SHAPE, message: expect.stringMatching(/nested deeper than 64 levels/) });
      await expectNothingStoredFor('u');
    });

    it('is a 400 on a webhook call', async () => {
      const user = newUser();
      const response = await postText(await createHook(user), DEEP, {});
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ ...ERROR_SHAPE, message: expect.stringMatching(/nested deeper/) });
      await expectNothingStoredFor(user);
    });

    it('is a bad_request frame on the WebSocket and over POST /subscribe/requests', async () => {
      const user = newUser();
      const device = await connect(user);
      device.send(`{"unseenNotificationDataRequest": {"limit": ${DEEP}}}`);
      expect(await device.nextFrame((frame) => 'error' in frame)).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/nested deeper/) } });
      const ticket = await registerTicket(pns, user);
      const response = await request(pns.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).send(DEEP).expect(400);
      expect(response.body).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/nested deeper/) } });
    });

    it('takes data nested as deep as the limit allows', async () => {
      const user = newUser();
      const data = `${'['.repeat(60)}1${']'.repeat(60)}`;
      await postText('/api/notifications', `{"userId": "${user}", "data": ${data}}`).expect(201);
      expect(await itemsOf(user)).toEqual([expect.objectContaining({ data: JSON.parse(data) })]);
    });
  });
});
