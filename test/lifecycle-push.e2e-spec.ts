import pg from 'pg';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { newUser } from './support/factories';
import { FakePushService } from './support/fake-push-service';
import { makeTestCertificate } from './support/fake-push-tls';
import { pollUntil } from './support/waiters';

/** A notification that comes back as news is pushed again (docs/lifecycle.md#push-and-preferences). */
describe('pushes of replaced and woken notifications', () => {
  const certificate = makeTestCertificate();
  let service: FakePushService;
  let database: pg.Pool;
  let pns: RunningApp;

  beforeAll(async () => {
    service = await FakePushService.start(certificate);
    const url = await createTestDatabase();
    database = new pg.Pool({ connectionString: url, max: 2 });
    pns = await startApp(url, { PUSH_ENDPOINTS: service.origin, PUSH_CA_FILE: certificate.certFile, EXPIRY_SWEEP_INTERVAL: '1s' });
  });
  afterAll(async () => {
    await pns.close();
    await database.end();
    await service.close();
  });

  const path = (userId: string, rest: string) => `/api/users/${encodeURIComponent(userId)}${rest}`;
  const subscribe = async (userId: string) => {
    const browser = service.subscribe();
    const { body } = await request(pns.baseUrl).post(path(userId, '/push-subscriptions')).set(auth).send({ webpush: { endpoint: browser.endpoint, keys: browser.keys } }).expect(201);
    return { ...browser, id: body.id as string };
  };
  const post = async (body: object) => (await request(pns.baseUrl).post('/api/notifications').set(auth).send(body).expect(201)).body.notifications[0] as { id: string };
  const mark = (userId: string, body: object) => request(pns.baseUrl).post(path(userId, '/notifications/mark')).set(auth).send(body).expect(200);
  const queued = async (subscriptionId: string) => (await database.query('SELECT 1 FROM push_jobs WHERE subscription_id = $1', [subscriptionId])).rowCount ?? 0;
  const payloads = (endpoint: string) => service.pushesTo(endpoint).map((push) => push.payload as { type: string; id?: string; data?: unknown });

  it('pushes a renotified replacement again with its new data; one replaced with renotify false is not pushed', async () => {
    const userId = newUser();
    const phone = await subscribe(userId);
    const { id } = await post({ userId, key: 'build', data: 'running', push: 'always' });
    await service.waitFor(() => payloads(phone.endpoint).length === 1, 'the first push');
    await mark(userId, { set: 'seen', ids: [id] });
    await service.waitFor(() => payloads(phone.endpoint).length === 2, 'the clear');

    await post({ userId, key: 'build', data: 'quietly updated', push: 'always', renotify: false });
    await post({ userId, key: 'build', data: 'passed', push: 'always' });
    await service.waitFor(() => payloads(phone.endpoint).length === 3, 'the push of the replacement');
    await pollUntil(() => queued(phone.id), (jobs) => jobs === 0, 'the queue to be empty');
    expect(payloads(phone.endpoint)).toEqual([
      expect.objectContaining({ type: 'notification', id, data: 'running' }),
      expect.objectContaining({ type: 'clear', ids: [id] }),
      expect.objectContaining({ type: 'notification', id, data: 'passed' }),
    ]);
  });

  it('takes a snoozed notification back from the devices it was pushed to, and pushes it again when it wakes', async () => {
    const userId = newUser();
    const phone = await subscribe(userId);
    const { id } = await post({ userId, data: 'remind me', push: 'always' });
    await service.waitFor(() => payloads(phone.endpoint).length === 1, 'the first push');
    await pollUntil(() => queued(phone.id), (jobs) => jobs === 0, 'the push recorded as delivered');
    await mark(userId, { set: 'snoozed', ids: [id], until: new Date(Date.now() + 3_000).toISOString() });

    await service.waitFor(() => payloads(phone.endpoint).length === 3, 'the clear, then the push at wake-up');
    expect(payloads(phone.endpoint)).toEqual([
      expect.objectContaining({ type: 'notification', id, data: 'remind me' }),
      expect.objectContaining({ type: 'clear', ids: [id] }),
      expect.objectContaining({ type: 'notification', id, data: 'remind me' }),
    ]);
  });

  it('takes an expired notification back from the devices it was pushed to', async () => {
    const userId = newUser();
    const phone = await subscribe(userId);
    const { id } = await post({ userId, data: 'flash sale', push: 'always', ttl: '2s' });
    await service.waitFor(() => payloads(phone.endpoint).length === 1, 'the push');
    await service.waitFor(() => payloads(phone.endpoint).length === 2, 'the clear once the sweep deleted it');
    expect(payloads(phone.endpoint)).toEqual([expect.objectContaining({ type: 'notification', id }), expect.objectContaining({ type: 'clear', ids: [id] })]);
    expect((await database.query('SELECT 1 FROM notifications WHERE id = $1', [id])).rowCount).toBe(0);
  });
});
