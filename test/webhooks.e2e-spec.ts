import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import type { Device, Frame } from './support/device';
import { connectCounted, registerTicket, unseenCount } from './support/devices';
import { newUser } from './support/factories';
import { LogCapture } from './support/log-capture';
import { pollUntil } from './support/waiters';
import { MAX_WEBHOOKS_PER_USER } from '../src/webhooks/webhooks.service';

const PUBLIC_URL = 'https://pns.example.com';
const MAX_NOTIFICATION_BYTES = 1024;
const HOOK_URL = /^https:\/\/pns\.example\.com\/hooks\/([A-Za-z0-9_-]{43})$/;

/** As startApp, with every log line captured (LOG_LEVEL verbose: the request log included). */
function startLoggedApp(databaseUrl: string, logger: LogCapture): Promise<RunningApp> {
  return startApp(databaseUrl, { LOG_LEVEL: 'verbose', PUBLIC_URL, MAX_NOTIFICATION_BYTES: String(MAX_NOTIFICATION_BYTES) }, logger);
}

/** Webhook URLs (docs/api.md), the capability to notify one user from behind a firewall. */
describe('webhook URLs', () => {
  const logger = new LogCapture();
  let databaseUrl: string;
  let pns: RunningApp;
  /** Every secret handed out in this file: none may ever appear anywhere else. */
  const secrets: string[] = [];
  const devices: Device[] = [];

  const secretOf = (url: string): string => {
    const secret = HOOK_URL.exec(url)?.[1];
    if (secret === undefined) throw new Error(`not a webhook URL of ${PUBLIC_URL}: ${url}`);
    secrets.push(secret);
    return secret;
  };
  const createHook = async (userId: string): Promise<{ id: string; secret: string }> => {
    const response = await request(pns.baseUrl).post(`/api/users/${encodeURIComponent(userId)}/webhooks`).set(auth).expect(201);
    expect(Object.keys(response.body as object).sort()).toEqual(['id', 'url']);
    return { id: response.body.id as string, secret: secretOf(response.body.url as string) };
  };
  const callHook = (app: RunningApp, secret: string, body: string | object, contentType = 'application/json') =>
    request(app.baseUrl)
      .post(`/hooks/${secret}`)
      .set('Content-Type', contentType)
      .send(typeof body === 'string' ? body : JSON.stringify(body));
  const notificationsOf = async (userId: string): Promise<{ id: string; data: unknown; category: string | null }[]> =>
    (await request(pns.baseUrl).get(`/api/users/${encodeURIComponent(userId)}/notifications`).set(auth).expect(200)).body.items;
  const connect = async (userId: string) => {
    const device = await connectCounted(pns, userId);
    devices.push(device);
    return device;
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    pns = await startLoggedApp(databaseUrl, logger);
  });
  afterEach(() => devices.splice(0).forEach((device) => device.close()));
  afterAll(() => pns.close());

  describe('creating', () => {
    it('POST /api/users/:userId/webhooks answers 201 with an id and a URL under PUBLIC_URL, a new secret each time', async () => {
      const user = newUser('hook ü');
      const [first, second] = [await createHook(user), await createHook(user)];
      expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(first.secret).not.toBe(second.secret);
      // 43 base64url characters: 256 random bits.
      expect(Buffer.from(first.secret, 'base64url')).toHaveLength(32);
    });

    it('a device asks for one with a webhookRequest frame, for its own user', async () => {
      const user = newUser();
      const device = await connect(user);
      const answer = await device.request({ webhookRequest: {} });
      expect(answer).toEqual({ webhook: { id: expect.any(String), url: expect.stringMatching(HOOK_URL) }, requestId: expect.any(String) });
      const secret = secretOf((answer.webhook as { url: string }).url);
      await callHook(pns, secret, { message: 'to the device' }).expect(201);
      await device.waitForCount(1);
      const listed = (await request(pns.baseUrl).get(`/api/users/${user}/webhooks`).set(auth).expect(200)).body;
      expect(listed).toEqual({ items: [{ id: (answer.webhook as { id: string }).id, createdAt: expect.any(String) }] });
    });

    it('a device on SSE asks for one with POST /subscribe/requests', async () => {
      const user = newUser();
      const ticket = await registerTicket(pns, user);
      const response = await request(pns.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).send({ webhookRequest: {} }).expect(200);
      const secret = secretOf(response.body.webhook.url as string);
      await callHook(pns, secret, '"via SSE"').expect(201);
      expect((await notificationsOf(user)).map((item) => item.data)).toEqual(['via SSE']);
    });

    it(`stops at ${MAX_WEBHOOKS_PER_USER} per user, also when creations race: 409 over the API, bad_request to a device`, async () => {
      const user = newUser();
      const attempts = await Promise.all(
        Array.from({ length: MAX_WEBHOOKS_PER_USER + 10 }, () => request(pns.baseUrl).post(`/api/users/${user}/webhooks`).set(auth)),
      );
      expect(attempts.filter((response) => response.status === 201)).toHaveLength(MAX_WEBHOOKS_PER_USER);
      for (const refused of attempts.filter((response) => response.status !== 201)) {
        expect(refused.status).toBe(409);
        expect(refused.body.message).toMatch(/already has 100 webhooks/);
      }
      attempts.filter((response) => response.status === 201).forEach((response) => secretOf(response.body.url as string));
      const device = await connect(user);
      expect(await device.request({ webhookRequest: {} })).toEqual({
        error: { code: 'bad_request', message: expect.stringMatching(/already has 100 webhooks/) },
        requestId: expect.any(String),
      });
      const listed = (await request(pns.baseUrl).get(`/api/users/${user}/webhooks`).set(auth).expect(200)).body.items;
      expect(listed).toHaveLength(MAX_WEBHOOKS_PER_USER);
    });

    it('needs the app token', async () => {
      const user = newUser();
      await request(pns.baseUrl).post(`/api/users/${user}/webhooks`).expect(401);
      await request(pns.baseUrl).get(`/api/users/${user}/webhooks`).set('X-Auth-Token', 'wrong').expect(401);
      await request(pns.baseUrl).delete('/api/webhooks/00000000-0000-0000-0000-000000000000').expect(401);
      expect((await request(pns.baseUrl).get(`/api/users/${user}/webhooks`).set(auth).expect(200)).body).toEqual({ items: [] });
    });
  });

  describe('calling', () => {
    it("stores the data as the hook's user's notification and pushes the count to that user's devices only", async () => {
      const [owner, other] = [newUser(), newUser()];
      const { secret } = await createHook(owner);
      const [ownerDevice, otherDevice] = [await connect(owner), await connect(other)];

      const response = await callHook(pns, secret, { title: 'Build failed', build: 42 }).expect(201);
      expect(response.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
      await ownerDevice.waitForCount(1);
      expect(await notificationsOf(owner)).toEqual([expect.objectContaining({ id: response.body.id, data: { title: 'Build failed', build: 42 }, category: null })]);

      const answer = await ownerDevice.request({ unseenNotificationDataRequest: {} });
      expect((answer.newNotificationData as Frame[]).map((item) => item.notification_data)).toEqual([{ title: 'Build failed', build: 42 }]);
      expect(otherDevice.frames).toEqual([{ newNotificationCountChanged: 0, version: expect.any(Number) }]);
      expect(await unseenCount(pns, other)).toBe(0);
    });

    it.each([
      ['an object whose only key is message: the message', '{"message": {"text": "hi"}}', { text: 'hi' }],
      ['a message that is a string', '{"message": "deploy done"}', 'deploy done'],
      ['a message that is null', '{"message": null}', null],
      ['message beside other keys: the whole body', '{"message": "hi", "level": "warn"}', { message: 'hi', level: 'warn' }],
      ['a nested message: one level unwrapped', '{"message": {"message": 1}}', { message: 1 }],
      ['an empty object', '{}', {}],
      ['a string', '"plain text"', 'plain text'],
      ['a number', '42', 42],
      ['an array', '[1, {"message": 2}]', [1, { message: 2 }]],
      ['null', 'null', null],
      ['keys named like Object methods', '{"constructor": 1, "toString": 2, "__proto__": {"x": 3}}', JSON.parse('{"constructor": 1, "toString": 2, "__proto__": {"x": 3}}')],
    ])('takes %s', async (_why, body, data) => {
      const user = newUser();
      const { secret } = await createHook(user);
      await callHook(pns, secret, body).expect(201);
      expect((await notificationsOf(user)).map((item) => item.data)).toEqual([data]);
    });

    it('reads the body as JSON whatever its Content-Type (curl -d sends a form type)', async () => {
      const user = newUser();
      const { secret } = await createHook(user);
      await callHook(pns, secret, '{"message": "from curl"}', 'application/x-www-form-urlencoded').expect(201);
      await callHook(pns, secret, '"from a script"', 'text/plain').expect(201);
      expect((await notificationsOf(user)).map((item) => item.data)).toEqual(['from a script', 'from curl']);
    });

    it('creates nothing new on a retry with the same Idempotency-Key', async () => {
      const user = newUser();
      const { secret } = await createHook(user);
      const first = await callHook(pns, secret, { message: 'once' }).set('Idempotency-Key', 'alert-7');
      const retry = await callHook(pns, secret, { message: 'once' }).set('Idempotency-Key', 'alert-7');
      expect(first.status).toBe(201);
      expect([200, 201]).toContain(retry.status);
      expect(retry.body).toEqual(first.body);
      expect(await notificationsOf(user)).toHaveLength(1);
    });

    it.each([
      ['malformed JSON', 400, '{"message": '],
      ['an empty body', 400, ''],
      ['a NUL character in the data', 400, '{"message": "a\\u0000b"}'],
      ['data over MAX_NOTIFICATION_BYTES', 413, JSON.stringify({ message: 'x'.repeat(MAX_NOTIFICATION_BYTES) })],
      ['a body over the HTTP body limit', 413, JSON.stringify({ message: 'x'.repeat(2 ** 20) })],
    ])('refuses %s with %d and the error shape, storing nothing', async (_why, status, body) => {
      const user = newUser();
      const device = await connect(user);
      const { secret } = await createHook(user);
      const response = await callHook(pns, secret, body).expect(status);
      expect(response.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String) });
      expect(await notificationsOf(user)).toEqual([]);
      expect(device.lastCount).toBe(0);
    });

    it('takes data of exactly MAX_NOTIFICATION_BYTES once unwrapped', async () => {
      const user = newUser();
      const { secret } = await createHook(user);
      await callHook(pns, secret, JSON.stringify({ message: 'x'.repeat(MAX_NOTIFICATION_BYTES - 2) })).expect(201);
    });

    it('answers 404 to unknown secrets, well-formed or not, and to other methods', async () => {
      const unknown = 'A'.repeat(43);
      for (const secret of [unknown, 'short', 'x'.repeat(200)]) {
        const response = await callHook(pns, secret, { message: 1 }).expect(404);
        expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
      }
      await request(pns.baseUrl).get(`/hooks/${unknown}`).expect(404);
    });

    it('limits the calls of one hook (bursts of 20, 10 a second) with 429 and Retry-After, without touching other hooks', async () => {
      const user = newUser();
      const [limited, other] = [await createHook(user), await createHook(user)];
      const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => callHook(pns, limited.secret, { n })));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(20);
      expect(statuses.filter((status) => status === 201).length).toBeLessThan(40);
      const refused = answers.find((answer) => answer.status === 429)!;
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.any(String) });
      expect((await notificationsOf(user)).length).toBe(statuses.filter((status) => status === 201).length);

      await callHook(pns, other.secret, '"not limited"').expect(201);
      const refilled = await pollUntil(() => callHook(pns, limited.secret, '"refilled"'), (answer) => answer.status !== 429, 'the bucket to refill');
      expect(refilled.status).toBe(201);
    });
  });

  describe('listing and revoking', () => {
    it('lists a user’s webhooks newest first with id and createdAt only', async () => {
      const user = newUser();
      const first = await createHook(user);
      const second = await createHook(user);
      await createHook(newUser());
      const response = await request(pns.baseUrl).get(`/api/users/${user}/webhooks`).set(auth).expect(200);
      expect(response.body).toEqual({
        items: [
          { id: second.id, createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) },
          { id: first.id, createdAt: expect.any(String) },
        ],
      });
    });

    it('DELETE stops the URL at once, on every instance, and answers 404 for an unknown id', async () => {
      const other = await startApp(databaseUrl);
      try {
        const user = newUser();
        const { id, secret } = await createHook(user);
        // Served by both instances first, so neither could answer from something it remembered.
        await callHook(pns, secret, '"on the first"').expect(201);
        await callHook(other, secret, '"on the second"').expect(201);

        await request(pns.baseUrl).delete(`/api/webhooks/${id}`).set(auth).expect(204);
        await callHook(pns, secret, '"after"').expect(404);
        await callHook(other, secret, '"after"').expect(404);
        expect((await notificationsOf(user)).map((item) => item.data)).toEqual(['on the second', 'on the first']);
        expect((await request(pns.baseUrl).get(`/api/users/${user}/webhooks`).set(auth).expect(200)).body).toEqual({ items: [] });

        await request(pns.baseUrl).delete(`/api/webhooks/${id}`).set(auth).expect(404);
        await request(pns.baseUrl).delete('/api/webhooks/not-a-uuid').set(auth).expect(404);
        await request(pns.baseUrl).delete('/api/webhooks/00000000-0000-4000-8000-000000000000').set(auth).expect(404);
      } finally {
        await other.close();
      }
    });
  });

  it('is described at /docs-json, with the app token on the management routes and none on the hook', async () => {
    const { body } = await request(pns.baseUrl).get('/docs-json').expect(200);
    expect(body.paths['/api/users/{userId}/webhooks'].post.security).toEqual(expect.arrayContaining([{ 'app-token': [] }]));
    expect(Object.keys(body.paths['/api/users/{userId}/webhooks'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(body.paths['/api/webhooks/{id}'].delete.responses).toHaveProperty('204');
    expect(body.paths['/hooks/{secret}'].post.security).toBeUndefined();
    expect(body.paths['/hooks/{secret}'].post.responses).toHaveProperty('429');
  });

  // Last: every secret this file created has been shown, called, refused and revoked by now.
  describe('afterwards', () => {
    it('never shows a secret again: not in listings, answers, notifications, metrics, nor any log line', async () => {
      const user = newUser('last');
      const { secret } = await createHook(user);
      const answers = [
        JSON.stringify((await request(pns.baseUrl).get(`/api/users/${user}/webhooks`).set(auth).expect(200)).body),
        JSON.stringify((await callHook(pns, secret, { message: 'x' }).expect(201)).body),
        JSON.stringify(await notificationsOf(user)),
        (await request(pns.baseUrl).get('/metrics').expect(200)).text,
      ];
      expect(secrets.length).toBeGreaterThan(20);
      for (const text of [...answers, ...logger.lines]) expect(secrets.filter((shown) => text.includes(shown))).toEqual([]);
      // The capture works: the request log wrote the hook calls, by route pattern.
      expect(logger.lines.filter((line) => line.includes('POST /hooks/:secret 201')).length).toBeGreaterThan(10);
      expect(logger.lines.some((line) => line.includes('POST /hooks/:secret 404'))).toBe(true);
    });
  });
});
