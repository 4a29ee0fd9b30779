import { createECDH, randomBytes } from 'node:crypto';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { connectCounted } from './support/devices';
import { newUser } from './support/factories';
import { LogCapture } from './support/log-capture';

const PUSH_SERVICE = 'https://push.example.net';

function browserSubscription(endpoint = `${PUSH_SERVICE}/send/${randomBytes(12).toString('base64url')}`) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
}

/** docs/push.md: subscriptions over REST, what is listed, and what is refused. */
describe('push subscriptions', () => {
  const logger = new LogCapture();
  let pns: RunningApp;
  const path = (userId: string) => `/api/users/${encodeURIComponent(userId)}/push-subscriptions`;
  const subscribe = (userId: string, body: unknown) => request(pns.baseUrl).post(path(userId)).set(auth).send(body as object);
  const listOf = async (userId: string) => (await request(pns.baseUrl).get(path(userId)).set(auth).expect(200)).body.items as { id: string; kind: string }[];

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    pns = await startApp(databaseUrl, { LOG_LEVEL: 'verbose', PUSH_ENDPOINTS: `${PUSH_SERVICE}, https://*.wns.example.org`, FCM_SERVICE_ACCOUNT: '' }, logger);
  });
  afterAll(() => pns.close());

  it('stores a Web Push subscription and lists it without endpoint or keys', async () => {
    const user = newUser('push ü');
    const subscription = browserSubscription();
    const { body } = await subscribe(user, { webpush: subscription }).expect(201);
    expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await listOf(user)).toEqual([{ id: body.id, kind: 'webpush', createdAt: expect.any(String), lastSuccessAt: null }]);
    const everything = JSON.stringify(await listOf(user)) + logger.lines.join('\n');
    for (const secret of [subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth]) expect(everything).not.toContain(secret);
  });

  it('the same endpoint again is the same subscription, re-pointed to the user who sent it', async () => {
    const [first, second] = [newUser(), newUser()];
    const subscription = browserSubscription();
    const { id } = (await subscribe(first, { webpush: subscription }).expect(201)).body;
    expect((await subscribe(second, { webpush: browserSubscription(subscription.endpoint) }).expect(201)).body).toEqual({ id });
    expect(await listOf(first)).toEqual([]);
    expect((await listOf(second)).map((item) => item.id)).toEqual([id]);
  });

  it('accepts subdomains of a wildcard entry of PUSH_ENDPOINTS', async () => {
    await subscribe(newUser(), { webpush: browserSubscription('https://db5p.wns.example.org/w/?token=abc') }).expect(201);
  });

  it.each([
    ['an endpoint outside PUSH_ENDPOINTS', { webpush: browserSubscription('https://evil.example.com/send/1') }],
    ['the bare domain of a wildcard entry', { webpush: browserSubscription('https://wns.example.org/send/1') }],
    ['another port of an allowed host', { webpush: browserSubscription('https://push.example.net:8443/send/1') }],
    ['a non-https endpoint', { webpush: browserSubscription('http://push.example.net/send/1') }],
    ['an internal address', { webpush: browserSubscription('https://127.0.0.1/admin') }],
    ['a p256dh of the wrong length', { webpush: { ...browserSubscription(), keys: { p256dh: randomBytes(33).toString('base64url'), auth: randomBytes(16).toString('base64url') } } }],
    ['a p256dh that is not base64url', { webpush: { ...browserSubscription(), keys: { p256dh: '!'.repeat(87), auth: randomBytes(16).toString('base64url') } } }],
    ['an auth secret of the wrong length', { webpush: { ...browserSubscription(), keys: { ...browserSubscription().keys, auth: randomBytes(12).toString('base64url') } } }],
    ['no keys', { webpush: { endpoint: `${PUSH_SERVICE}/send/1` } }],
    ['both kinds at once', { webpush: browserSubscription(), fcm: { token: 't' } }],
    ['neither kind', {}],
    ['an FCM token while FCM is off', { fcm: { token: 'a-token' } }],
  ])('refuses %s with 400 and stores nothing', async (_what, body) => {
    const user = newUser();
    const { body: answer } = await subscribe(user, body).expect(400);
    expect(answer).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    expect(await listOf(user)).toEqual([]);
  });

  it('DELETE /api/push-subscriptions/:id answers 204, then 404', async () => {
    const user = newUser();
    const { id } = (await subscribe(user, { webpush: browserSubscription() }).expect(201)).body;
    await request(pns.baseUrl).delete(`/api/push-subscriptions/${id}`).set(auth).expect(204);
    expect(await listOf(user)).toEqual([]);
    await request(pns.baseUrl).delete(`/api/push-subscriptions/${id}`).set(auth).expect(404);
    await request(pns.baseUrl).delete('/api/push-subscriptions/not-a-uuid').set(auth).expect(404);
  });

  it('a device subscribes with pushSubscribeRequest (same endpoint, same id) and unsubscribes its own', async () => {
    const [user, other] = [newUser(), newUser()];
    const device = await connectCounted(pns, user);
    try {
      const subscription = browserSubscription();
      const answer = await device.request({ pushSubscribeRequest: { webpush: subscription } });
      expect(answer).toEqual({ pushSubscription: { id: expect.stringMatching(/^[0-9a-f-]{36}$/) }, requestId: expect.any(String) });
      const { id } = answer.pushSubscription as { id: string };
      expect((await device.request({ pushSubscribeRequest: { webpush: subscription } })).pushSubscription).toEqual({ id });
      expect((await listOf(user)).map((item) => item.id)).toEqual([id]);

      const othersId = (await subscribe(other, { webpush: browserSubscription() }).expect(201)).body.id as string;
      expect((await device.request({ pushUnsubscribeRequest: { id: othersId } })).pushUnsubscribed).toEqual({ id: othersId });
      expect((await listOf(other)).map((item) => item.id)).toEqual([othersId]);
      expect((await device.request({ pushUnsubscribeRequest: { id } })).pushUnsubscribed).toEqual({ id });
      expect(await listOf(user)).toEqual([]);

      const refused = await device.request({ pushSubscribeRequest: { webpush: browserSubscription('https://evil.example.com/1') } });
      expect(refused).toEqual({ error: { code: 'bad_request', message: expect.stringContaining('PUSH_ENDPOINTS') }, requestId: expect.any(String) });
      expect(await listOf(user)).toEqual([]);
    } finally {
      device.close();
    }
  });

  it('needs the app token', async () => {
    await request(pns.baseUrl).post(path(newUser())).send({ webpush: browserSubscription() }).expect(401);
    await request(pns.baseUrl).get(path(newUser())).expect(401);
  });

  it('GET /push/vapid-public-key answers the generated key without a token, the same after a restart', async () => {
    const { body } = await request(pns.baseUrl).get('/push/vapid-public-key').expect(200);
    expect(Buffer.from(body.publicKey as string, 'base64url')).toHaveLength(65);
    const again = await startApp(pns.config.databaseUrl!);
    try {
      expect((await request(again.baseUrl).get('/push/vapid-public-key').expect(200)).body).toEqual(body);
    } finally {
      await again.close();
    }
  });
});
