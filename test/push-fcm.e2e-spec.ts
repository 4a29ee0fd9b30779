import { randomBytes } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { DatabaseClient } from './support/database-client';
import { postNotification } from './support/devices';
import { newUser } from './support/factories';
import { FakeFcm } from './support/fake-push-fcm';
import { makeTestCertificate } from './support/fake-push-tls';
import { LogCapture } from './support/log-capture';
import { pollUntil } from './support/waiters';

/** docs/push.md: FCM HTTP v1 with an OAuth token from the service account's own token_uri. */
describe('FCM', () => {
  const certificate = makeTestCertificate();
  const logger = new LogCapture();
  let fcm: FakeFcm;
  let pns: RunningApp;
  let database: DatabaseClient;

  const subscribe = async (userId: string, platform?: string): Promise<{ id: string; token: string }> => {
    const token = `fcm-${randomBytes(24).toString('base64url')}`;
    const { body } = await request(pns.baseUrl).post(`/api/users/${encodeURIComponent(userId)}/push-subscriptions`).set(auth).send({ fcm: { token, platform } }).expect(201);
    return { id: body.id as string, token };
  };
  const subscriptionsOf = async (userId: string) => (await request(pns.baseUrl).get(`/api/users/${encodeURIComponent(userId)}/push-subscriptions`).set(auth).expect(200)).body.items as { id: string; kind: string }[];

  beforeAll(async () => {
    fcm = await FakeFcm.start(certificate);
    const databaseUrl = await createTestDatabase();
    const connection = new pg.Client({ connectionString: databaseUrl });
    await connection.connect();
    database = new DatabaseClient(connection);
    pns = await startApp(
      databaseUrl,
      { LOG_LEVEL: 'verbose', FCM_SERVICE_ACCOUNT: fcm.serviceAccountFile, FCM_API_URL: fcm.origin, PUSH_CA_FILE: certificate.certFile, PUSH_GRACE: '500ms' },
      logger,
    );
  });
  afterAll(async () => {
    await pns.close();
    await database.end();
    await fcm.close();
  });
  afterEach(() => expect(fcm.problems).toEqual([]));

  it('sends a data message whose values are all strings, with a token got by a verified assertion, cached', async () => {
    const user = newUser();
    const [first, second] = [await subscribe(user, 'android'), await subscribe(user, 'ios')];
    expect(await subscriptionsOf(user)).toEqual(expect.arrayContaining([expect.objectContaining({ id: first.id, kind: 'fcm' })]));
    const id = await postNotification(pns, user, { text: 'hi', count: 2 }, 'chat');
    await fcm.waitFor(() => fcm.messagesTo(first.token).length === 1 && fcm.messagesTo(second.token).length === 1, 'one message per token');
    expect(fcm.messagesTo(first.token)[0].data).toEqual({ type: 'notification', id, data: '{"text":"hi","count":2}', category: 'chat', version: '1' });
    expect(fcm.tokenRequests).toEqual([{ iss: expect.stringContaining('@'), scope: 'https://www.googleapis.com/auth/firebase.messaging', aud: `${fcm.origin}/token` }]);
    expect(logger.lines.join('\n')).not.toContain(first.token);
  });

  it('deletes a token FCM answers UNREGISTERED', async () => {
    const user = newUser();
    const { token } = await subscribe(user);
    fcm.unregister(token);
    await postNotification(pns, user, 'to an uninstalled app');
    await fcm.waitFor(() => fcm.messagesTo(token).some((message) => message.status === 404), 'the refused message');
    await pollUntil(() => subscriptionsOf(user), (items) => items.length === 0, 'the token deleted');
  });

  it('retries a message FCM answers 503 or 429 no sooner than its Retry-After', async () => {
    const user = newUser();
    const { token } = await subscribe(user);
    // The first is longer than the first backoff (5 s): a retry that ignored it would come sooner.
    fcm.overload(token, { status: 503, retryAfter: '7' }, { status: 429, retryAfter: '1' });
    await postNotification(pns, user, 'when FCM is back');
    await fcm.waitFor(() => fcm.messagesTo(token).some((message) => message.status === 200), 'the delivered message', 25_000);
    const [unavailable, throttled, delivered] = fcm.messagesTo(token);
    expect([unavailable.status, throttled.status, delivered.status]).toEqual([503, 429, 200]);
    expect(throttled.at - unavailable.at).toBeGreaterThanOrEqual(7_000);
    expect(delivered.at - throttled.at).toBeGreaterThanOrEqual(1_000);
  });

  it('refreshes its access token once when FCM answers 401, and delivers', async () => {
    const user = newUser();
    const { token } = await subscribe(user);
    const tokensBefore = fcm.tokenRequests.length;
    fcm.revokeAccessTokens();
    await postNotification(pns, user, 'after a revocation');
    await fcm.waitFor(() => fcm.messagesTo(token).some((message) => message.status === 200), 'the delivered message');
    expect(fcm.messagesTo(token).map((message) => message.status)).toEqual([401, 200]);
    expect(fcm.tokenRequests.length).toBe(tokensBefore + 1);
  });

  it('refreshes its access token only once when FCM keeps answering 401, then gives the message up', async () => {
    const user = newUser();
    const { id, token } = await subscribe(user);
    const tokensBefore = fcm.tokenRequests.length;
    fcm.refuseAccessTokens(true);
    try {
      await postNotification(pns, user, 'never authorized');
      await fcm.waitFor(() => fcm.messagesTo(token).length === 2, 'the message, and once more with a new token');
      await pollUntil(() => database.queuedPushJobs(id), (queued) => queued === 0, 'the push given up');
    } finally {
      fcm.refuseAccessTokens(false);
    }
    expect(fcm.messagesTo(token).map((message) => message.status)).toEqual([401, 401]);
    expect(fcm.tokenRequests.length).toBe(tokensBefore + 1);
  });
});
