import pg from 'pg';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { postNotification } from './support/devices';
import { newUser } from './support/factories';
import { FakePushService } from './support/fake-push-service';
import { makeTestCertificate } from './support/fake-push-tls';
import { pollUntil } from './support/waiters';

/** The push worker asks the user's preferences before each push (docs/lifecycle.md#push-and-preferences). */
describe('push under the user preferences', () => {
  const certificate = makeTestCertificate();
  let service: FakePushService;
  let database: pg.Pool;
  let pns: RunningApp;

  beforeAll(async () => {
    service = await FakePushService.start(certificate);
    const url = await createTestDatabase();
    database = new pg.Pool({ connectionString: url, max: 2 });
    pns = await startApp(url, { PUSH_ENDPOINTS: service.origin, PUSH_CA_FILE: certificate.certFile, PUSH_GRACE: '300ms' });
  });
  afterAll(async () => {
    await pns.close();
    await database.end();
    await service.close();
  });

  const subscribe = async (userId: string) => {
    const browser = service.subscribe();
    const { body } = await request(pns.baseUrl)
      .post(`/api/users/${encodeURIComponent(userId)}/push-subscriptions`)
      .set(auth)
      .send({ webpush: { endpoint: browser.endpoint, keys: browser.keys } })
      .expect(201);
    return { ...browser, id: body.id as string };
  };
  const prefer = (userId: string, preferences: object) =>
    request(pns.baseUrl).put(`/api/users/${encodeURIComponent(userId)}/preferences`).set(auth).send(preferences).expect(200);
  const jobsOf = async (subscriptionId: string) =>
    (await database.query<{ notification_id: string; due_at: Date; attempts: number }>('SELECT notification_id::text, due_at, attempts FROM push_jobs WHERE subscription_id = $1', [subscriptionId])).rows;

  it('never pushes a category the user turned push off for, and still pushes the others', async () => {
    const userId = newUser();
    await prefer(userId, { categories: { promo: { push: false } } });
    const subscription = await subscribe(userId);
    await postNotification(pns, userId, 'sale', 'promo');
    const receipt = await postNotification(pns, userId, 'receipt', 'orders');

    // A push reaches the service before its job leaves the queue: once the queue is empty, every push made was received.
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length > 0, 'the orders push');
    await pollUntil(() => jobsOf(subscription.id), (jobs) => jobs.length === 0, 'the queue to be empty');
    expect(service.pushesTo(subscription.endpoint).map((push) => (push.payload as { id: string }).id)).toEqual([receipt]);
  });

  it('holds a push in quiet hours until their end in the user zone, unsent', async () => {
    const userId = newUser();
    const timeZone = 'Asia/Kolkata';
    // Quiet from an hour ago to two hours ahead, as Kolkata's clocks show them (UTC+5:30).
    const local = (offsetMs: number) =>
      new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.now() + offsetMs);
    await prefer(userId, { quietHours: { timeZone, from: local(-3_600_000), to: local(2 * 3_600_000) } });
    const subscription = await subscribe(userId);
    const id = await postNotification(pns, userId, 'at night');

    const [held] = await pollUntil(() => jobsOf(subscription.id), (jobs) => jobs.length === 1 && jobs[0].due_at.getTime() > Date.now() + 3_600_000, 'the push held to the end of quiet hours');
    expect(held).toMatchObject({ notification_id: id, attempts: 0 });
    expect(held.due_at.getTime() - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);
    expect(service.pushesTo(subscription.endpoint)).toEqual([]);
  });
});
