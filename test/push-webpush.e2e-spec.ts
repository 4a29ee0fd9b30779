import pg from 'pg';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { DatabaseClient } from './support/database-client';
import type { Device } from './support/device';
import { connectCounted, postNotification } from './support/devices';
import { newUser } from './support/factories';
import { FakePushService, type BrowserSubscription } from './support/fake-push-service';
import { makeTestCertificate } from './support/fake-push-tls';
import { LogCapture } from './support/log-capture';
import { pollUntil } from './support/waiters';

const GRACE_MS = 2_000;

/** docs/push.md: Web Push to a real HTTPS push service on 127.0.0.1, under the offline policy. */
describe('Web Push', () => {
  const certificate = makeTestCertificate();
  const logger = new LogCapture();
  let service: FakePushService;
  let databaseUrl: string;
  let database: DatabaseClient;
  let pns: RunningApp;
  const devices: Device[] = [];

  const subscribe = async (app: RunningApp, userId: string): Promise<BrowserSubscription & { id: string }> => {
    const browser = service.subscribe();
    const { body } = await request(app.baseUrl)
      .post(`/api/users/${encodeURIComponent(userId)}/push-subscriptions`)
      .set(auth)
      .send({ webpush: { endpoint: browser.endpoint, keys: browser.keys } })
      .expect(201);
    return { ...browser, id: body.id as string };
  };
  const subscriptionsOf = async (userId: string) => (await request(pns.baseUrl).get(`/api/users/${encodeURIComponent(userId)}/push-subscriptions`).set(auth).expect(200)).body.items as { id: string; lastSuccessAt: string | null }[];
  /** Until the subscription has no job left: sent, dropped by the policy, or given up. */
  const untilQueueEmpty = (subscriptionId: string) => pollUntil(() => database.queuedPushJobs(subscriptionId), (queued) => queued === 0, `no push job of ${subscriptionId} left`);
  const start = (url: string) =>
    startApp(
      url,
      // Expired notifications are swept every second, for the clear on expiry.
      { LOG_LEVEL: 'verbose', PUSH_ENDPOINTS: service.origin, PUSH_CA_FILE: certificate.certFile, PUSH_GRACE: `${GRACE_MS}ms`, VAPID_SUBJECT: 'mailto:ops@pns.example', EXPIRY_SWEEP_INTERVAL: '1s' },
      logger,
    );

  beforeAll(async () => {
    service = await FakePushService.start(certificate);
    databaseUrl = await createTestDatabase();
    const connection = new pg.Client({ connectionString: databaseUrl });
    await connection.connect();
    database = new DatabaseClient(connection);
    pns = await start(databaseUrl);
  });
  afterEach(() => devices.splice(0).forEach((device) => device.close()));
  afterAll(async () => {
    await pns.close();
    await database.end();
    await service.close();
  });

  it('pushes a notification nobody saw to every subscription of its user, once, after the grace, encrypted and signed', async () => {
    const user = newUser();
    const [phone, laptop] = [await subscribe(pns, user), await subscribe(pns, user)];
    const posted = Date.now();
    const id = await postNotification(pns, user, { text: 'hello', n: 1 }, 'orders');
    await service.waitFor(() => service.pushesTo(phone.endpoint).length > 0 && service.pushesTo(laptop.endpoint).length > 0, 'a push to each subscription');
    for (const subscription of [phone, laptop]) {
      await untilQueueEmpty(subscription.id);
      const pushes = service.pushesTo(subscription.endpoint);
      expect(pushes).toHaveLength(1);
      expect(pushes[0].problems).toEqual([]);
      expect(pushes[0].payload).toEqual({ type: 'notification', id, data: { text: 'hello', n: 1 }, category: 'orders', version: 1 });
      expect(pushes[0].headers.topic).toBe(`n${id}`);
      expect(pushes[0].at - posted).toBeGreaterThanOrEqual(GRACE_MS);
    }
    expect((await subscriptionsOf(user)).every((item) => item.lastSuccessAt !== null)).toBe(true);
    for (const secret of [phone.endpoint, phone.keys.p256dh, phone.keys.auth]) expect(logger.lines.join('\n')).not.toContain(secret);
  });

  const notify = (userId: string, fields: Record<string, unknown>) =>
    request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId, ...fields });

  it('push "always" goes at once although a device is live, with its pushDisplay', async () => {
    const user = newUser();
    const subscription = await subscribe(pns, user);
    devices.push(await connectCounted(pns, user));
    const display = { title: 'Order shipped', body: 'Arrives tomorrow', url: '/orders/1' };
    const { body } = await notify(user, { data: { order: 1 }, push: 'always', pushDisplay: display }).expect(201);
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length > 0, 'the push');
    await untilQueueEmpty(subscription.id);
    expect(service.pushesTo(subscription.endpoint).map((push) => push.payload)).toEqual([
      { type: 'notification', id: body.notifications[0].id, data: { order: 1 }, category: null, version: 1, display },
    ]);
  });

  it('push "never" is not pushed, even when nobody sees it', async () => {
    const user = newUser();
    const subscription = await subscribe(pns, user);
    await notify(user, { data: 'quiet', push: 'never' }).expect(201);
    const offlineId = await postNotification(pns, user, 'pushed after the grace');
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length > 0, 'the offline push');
    await untilQueueEmpty(subscription.id);
    expect(service.pushesTo(subscription.endpoint).map((push) => push.payload?.id)).toEqual([offlineId]);
  });

  it('pushes nothing of a category whose push the user turned off', async () => {
    const user = newUser();
    const subscription = await subscribe(pns, user);
    await request(pns.baseUrl).put(`/api/users/${user}/preferences`).set(auth).send({ categories: { marketing: { push: false } } }).expect(200);
    await notify(user, { data: 'sale', category: 'marketing', push: 'always' }).expect(201);
    const { body } = await notify(user, { data: 'shipped', category: 'orders', push: 'always' }).expect(201);
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length > 0, 'the push of orders');
    await untilQueueEmpty(subscription.id);
    expect(service.pushesTo(subscription.endpoint).map((push) => push.payload?.id)).toEqual([body.notifications[0].id]);
  });

  it('counts sent and failed pushes in the statistics', async () => {
    const user = newUser();
    const category = `stats-${newUser()}`;
    const [kept, gone] = [await subscribe(pns, user), await subscribe(pns, user)];
    service.answer(gone.endpoint, { status: 410 });
    await notify(user, { data: 'counted', category, push: 'always' }).expect(201);
    await Promise.all([kept, gone].map((s) => untilQueueEmpty(s.id)));
    const stats = await pollUntil(
      async () => (await request(pns.baseUrl).get('/api/stats').query({ category }).set(auth).expect(200)).body,
      (body) => body.pushSent + body.pushFailed === 2,
      'both outcomes counted',
    );
    expect(stats).toMatchObject({ pushSent: 1, pushFailed: 1 });
  });

  it('pushes a notification whose data would not fit a push without its data', async () => {
    const user = newUser();
    const subscription = await subscribe(pns, user);
    const { body } = await notify(user, { data: 'x'.repeat(5000), push: 'always', pushDisplay: { title: 'Big' } }).expect(201);
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length > 0, 'the push');
    expect(service.pushesTo(subscription.endpoint)[0]).toMatchObject({
      problems: [],
      payload: { type: 'notification', id: body.notifications[0].id, category: null, version: 1, display: { title: 'Big' } },
    });
    expect(service.pushesTo(subscription.endpoint)[0].payload).not.toHaveProperty('data');
  });

  it.each([
    ['an unknown push policy', { push: 'sometimes' }],
    ['a push policy that is no string', { push: true }],
    ['a pushDisplay without title', { pushDisplay: { body: 'b' } }],
    ['a pushDisplay with an unknown field', { pushDisplay: { title: 't', icon: 'x' } }],
    ['a pushDisplay url that could run script', { pushDisplay: { title: 't', url: 'javascript:alert(1)' } }],
    ['a pushDisplay that is no object', { pushDisplay: 'title' }],
  ])('refuses %s with 400 and stores nothing', async (_what, fields) => {
    const user = newUser();
    const { body } = await notify(user, { data: 1, ...fields }).expect(400);
    expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    expect((await request(pns.baseUrl).get(`/api/users/${user}/notifications`).set(auth).expect(200)).body.items).toEqual([]);
  });

  it('pushes nothing while a device of the user is connected', async () => {
    const user = newUser();
    const subscription = await subscribe(pns, user);
    devices.push(await connectCounted(pns, user));
    await postNotification(pns, user, 'seen live');
    await untilQueueEmpty(subscription.id);
    expect(service.pushesTo(subscription.endpoint)).toEqual([]);
  });

  it('pushes nothing while a device of the user is connected to another instance', async () => {
    const other = await start(databaseUrl);
    try {
      const user = newUser();
      const subscription = await subscribe(pns, user);
      devices.push(await connectCounted(other, user));
      await postNotification(pns, user, 'seen live elsewhere');
      await untilQueueEmpty(subscription.id);
      expect(service.pushesTo(subscription.endpoint)).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('counts pushes by provider and result, and the queue depth, in /metrics', async () => {
    const user = newUser();
    const [kept, gone] = [await subscribe(pns, user), await subscribe(pns, user)];
    service.answer(gone.endpoint, { status: 410 });
    await postNotification(pns, user, 'counted');
    await service.waitFor(() => service.pushesTo(kept.endpoint).length === 1 && service.pushesTo(gone.endpoint).length === 1, 'both pushes');
    await untilQueueEmpty(kept.id);
    const metrics = (await request(pns.baseUrl).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^pns_push_total\{provider="webpush",result="sent"\} [1-9]/m);
    expect(metrics).toMatch(/^pns_push_total\{provider="webpush",result="gone"\} [1-9]/m);
    expect(metrics).toMatch(/^pns_push_queue_depth \d+$/m);
  });

  it('pushes nothing when a device came and went during the grace', async () => {
    const user = newUser();
    const subscription = await subscribe(pns, user);
    await postNotification(pns, user, 'shown on a device that left');
    const device = await connectCounted(pns, user);
    device.close();
    await device.waitForClose();
    await untilQueueEmpty(subscription.id);
    expect(service.pushesTo(subscription.endpoint)).toEqual([]);
  });

  it('pushes nothing when the notification was seen during the grace', async () => {
    const user = newUser();
    const subscription = await subscribe(pns, user);
    const id = await postNotification(pns, user, 'seen over REST');
    await request(pns.baseUrl).post(`/api/users/${user}/notifications/seen`).set(auth).send({ ids: [id] }).expect(200);
    await untilQueueEmpty(subscription.id);
    expect(service.pushesTo(subscription.endpoint)).toEqual([]);
  });

  it('deletes a subscription its push service answers 404 or 410', async () => {
    const user = newUser();
    const [gone, expired] = [await subscribe(pns, user), await subscribe(pns, user)];
    service.answer(gone.endpoint, { status: 404 });
    service.answer(expired.endpoint, { status: 410 });
    await postNotification(pns, user, 'to dead subscriptions');
    await service.waitFor(() => service.pushesTo(gone.endpoint).length === 1 && service.pushesTo(expired.endpoint).length === 1, 'one push to each');
    await pollUntil(() => subscriptionsOf(user), (items) => items.length === 0, 'both subscriptions deleted');
  });

  it('retries a push answered 429 no sooner than its Retry-After', async () => {
    const user = newUser();
    const subscription = await subscribe(pns, user);
    // Longer than the first backoff (5 s): a retry that ignored it would come sooner.
    service.answer(subscription.endpoint, { status: 429, headers: { 'Retry-After': '7' } }, { status: 503, headers: { 'Retry-After': '1' } });
    const id = await postNotification(pns, user, 'busy service');
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length === 3, 'the push, twice refused, then accepted', 25_000);
    const [busy, failing, accepted] = service.pushesTo(subscription.endpoint);
    expect([busy.status, failing.status, accepted.status]).toEqual([429, 503, 201]);
    expect(failing.at - busy.at).toBeGreaterThanOrEqual(7_000);
    expect(accepted.at - failing.at).toBeGreaterThanOrEqual(1_000);
    expect(accepted.payload).toMatchObject({ type: 'notification', id });
    await untilQueueEmpty(subscription.id);
    expect(service.pushesTo(subscription.endpoint)).toHaveLength(3);
  });

  it('clears a delivered notification everywhere once it is seen over REST, seen on a device, or deleted', async () => {
    const user = newUser();
    const [phone, laptop] = [await subscribe(pns, user), await subscribe(pns, user)];
    // Stored in this order so that the device's request (newest first, limit 1) takes the last one.
    const deletedId = await postNotification(pns, user, 'to be deleted');
    const seenOverRestId = await postNotification(pns, user, 'to be seen over REST');
    const seenOnDeviceId = await postNotification(pns, user, 'to be seen on a device');
    const shown = (s: BrowserSubscription) => service.pushesTo(s.endpoint).filter((push) => push.payload?.type === 'notification');
    await service.waitFor(() => [phone, laptop].every((s) => shown(s).length === 3), 'the three notifications on both subscriptions');
    const device = await connectCounted(pns, user);
    devices.push(device);
    expect((await device.request({ unseenNotificationDataRequest: { limit: 1 } })).newNotificationData).toEqual([expect.objectContaining({ id: seenOnDeviceId })]);
    await request(pns.baseUrl).post(`/api/users/${user}/notifications/seen`).set(auth).send({ ids: [seenOverRestId] }).expect(200);
    await request(pns.baseUrl).delete(`/api/notifications/${deletedId}`).set(auth).expect(204);
    const clears = (s: BrowserSubscription) => service.pushesTo(s.endpoint).filter((push) => push.payload?.type === 'clear');
    await service.waitFor(() => [phone, laptop].every((s) => clears(s).length === 3), 'three clears on each subscription');
    for (const subscription of [phone, laptop]) {
      const cleared = clears(subscription).map((push) => push.payload as { type: string; ids: string[]; version: number });
      // Three creations, then three changes: each clear leaves after the change that caused it.
      expect(cleared.every((payload) => payload.type === 'clear' && payload.version >= 4 && payload.version <= 6 && payload.ids.length === 1)).toBe(true);
      expect(cleared.map((payload) => payload.ids[0]).sort()).toEqual([deletedId, seenOverRestId, seenOnDeviceId].sort());
      expect(clears(subscription).every((push) => push.problems.length === 0 && push.headers.topic === `n${(push.payload as { ids: string[] }).ids[0]}`)).toBe(true);
    }
    await Promise.all([phone, laptop].map((s) => untilQueueEmpty(s.id)));
    expect([phone, laptop].map((s) => clears(s).length)).toEqual([3, 3]);
  });

  it.each(['read', 'archived'])('clears a delivered notification once it is marked %s (which marks it seen)', async (set) => {
    const user = newUser();
    const subscription = await subscribe(pns, user);
    const { body } = await notify(user, { data: `to be ${set}`, push: 'always' }).expect(201);
    const id = body.notifications[0].id as string;
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length === 1, 'the push');
    await untilQueueEmpty(subscription.id);
    await request(pns.baseUrl).post(`/api/users/${user}/notifications/mark`).set(auth).send({ set, ids: [id] }).expect(200);
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length === 2, 'the clear');
    expect(service.pushesTo(subscription.endpoint)[1].payload).toEqual({ type: 'clear', ids: [id], version: expect.any(Number) });
  });

  it('clears a delivered notification on every subscription of its user once it expires', async () => {
    const user = newUser();
    const [phone, laptop] = [await subscribe(pns, user), await subscribe(pns, user)];
    // Long enough for the push to leave first (the worker polls every second), short for the test.
    const { body } = await notify(user, { data: 'expires soon', push: 'always', ttl: '5s' }).expect(201);
    const id = body.notifications[0].id as string;
    await service.waitFor(() => [phone, laptop].every((s) => service.pushesTo(s.endpoint).length === 1), 'the push on both subscriptions, before it expires');
    await service.waitFor(() => [phone, laptop].every((s) => service.pushesTo(s.endpoint).length === 2), 'a clear on both once it expired');
    const { changes } = (await request(pns.baseUrl).get(`/api/users/${user}/changes?since=0`).set(auth).expect(200)).body as { changes: { version: number; type: string; ids: string[] }[] };
    const expired = changes.find((change) => change.type === 'expired');
    expect(expired).toMatchObject({ ids: [id] });
    for (const subscription of [phone, laptop]) {
      const [push, clear] = service.pushesTo(subscription.endpoint);
      expect(push.payload).toMatchObject({ type: 'notification', id });
      expect(clear.payload).toEqual({ type: 'clear', ids: [id], version: expect.any(Number) });
      expect((clear.payload as { version: number }).version).toBeGreaterThanOrEqual(expired!.version);
      expect(clear.problems).toEqual([]);
    }
    await Promise.all([phone, laptop].map((s) => untilQueueEmpty(s.id)));
    expect([phone, laptop].map((s) => service.pushesTo(s.endpoint).length)).toEqual([2, 2]);
  });

  it('clears a notification seen while its push was on its way, and a device still takes it meanwhile', async () => {
    const user = newUser();
    const subscription = await subscribe(pns, user);
    let answer!: () => void;
    service.answer(subscription.endpoint, { status: 201, hold: new Promise<void>((resolve) => (answer = resolve)) });
    const { body } = await notify(user, { data: 'in flight', push: 'always' }).expect(201);
    const id = body.notifications[0].id as string;
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length === 1, 'the push, not yet answered');
    const device = await connectCounted(pns, user);
    devices.push(device);
    expect((await device.request({ unseenNotificationDataRequest: { limit: 1 } })).newNotificationData).toEqual([expect.objectContaining({ id })]);
    answer();
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length === 2, 'the clear');
    expect(service.pushesTo(subscription.endpoint)[1].payload).toEqual({ type: 'clear', ids: [id], version: expect.any(Number) });
    await untilQueueEmpty(subscription.id);
  });

  it('two instances on one database send each push exactly once', async () => {
    const other = await start(databaseUrl);
    try {
      const users = Array.from({ length: 10 }, () => newUser('twice'));
      const subscriptions = await Promise.all(users.map((user, index) => subscribe(index % 2 ? pns : other, user)));
      const ids = await Promise.all(users.map((user, index) => postNotification(index % 2 ? other : pns, user, index)));
      await service.waitFor(() => subscriptions.every((s) => service.pushesTo(s.endpoint).length > 0), 'a push to every subscription');
      for (const subscription of subscriptions) await untilQueueEmpty(subscription.id);
      expect(subscriptions.map((s) => service.pushesTo(s.endpoint).map((push) => push.payload?.id))).toEqual(ids.map((id) => [id]));
    } finally {
      await other.close();
    }
  });
});
