import pg from 'pg';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { SettableClock } from './support/clock';
import { createTestDatabase } from './support/database';
import { DatabaseClient } from './support/database-client';
import { postNotification } from './support/devices';
import { newUser } from './support/factories';
import { FakePushService } from './support/fake-push-service';
import { makeTestCertificate } from './support/fake-push-tls';
import { pollUntil } from './support/waiters';

/**
 * docs/push.md, quiet hours: pns runs on a clock the test sets (startApp's `clock`), so a night
 * in Berlin passes without waiting for it. Pushes go to a real HTTPS push service on 127.0.0.1.
 */
describe('quiet hours', () => {
  const certificate = makeTestCertificate();
  const clock = new SettableClock();
  let service: FakePushService;
  let database: DatabaseClient;
  let pns: RunningApp;

  beforeAll(async () => {
    service = await FakePushService.start(certificate);
    const databaseUrl = await createTestDatabase();
    const connection = new pg.Client({ connectionString: databaseUrl });
    await connection.connect();
    database = new DatabaseClient(connection);
    pns = await startApp(databaseUrl, { PUSH_ENDPOINTS: service.origin, PUSH_CA_FILE: certificate.certFile, PUSH_GRACE: '200ms', VAPID_SUBJECT: 'mailto:ops@pns.example' }, false, clock);
  });
  afterAll(async () => {
    await pns.close();
    await database.end();
    await service.close();
  });

  const subscribe = async (userId: string) => {
    const browser = service.subscribe();
    const { body } = await request(pns.baseUrl).post(`/api/users/${userId}/push-subscriptions`).set(auth).send({ webpush: { endpoint: browser.endpoint, keys: browser.keys } }).expect(201);
    return { endpoint: browser.endpoint, id: body.id as string };
  };
  /** A push through the same worker passes that release held ones: once it arrived, a pass ran after the clock was set. */
  const pushToSomeoneAwake = async () => {
    const awake = newUser();
    const subscription = await subscribe(awake);
    await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId: awake, data: 'awake', push: 'always' }).expect(201);
    await service.waitFor(() => service.pushesTo(subscription.endpoint).length > 0, 'the push to a user without quiet hours');
  };

  it('holds a push due in quiet hours that span midnight in Berlin until 07:00 there, then sends it only if still unseen', async () => {
    const sleeper = newUser();
    await request(pns.baseUrl)
      .put(`/api/users/${sleeper}/preferences`)
      .set(auth)
      .send({ quietHours: { timeZone: 'Europe/Berlin', from: '22:00', to: '07:00' } })
      .expect(200);
    const phone = await subscribe(sleeper);

    // 23:30 in Berlin (winter, UTC+1): quiet until 07:00 the next local day, 06:00 UTC.
    clock.set(new Date('2027-01-14T22:30:00Z'));
    const unseen = await postNotification(pns, sleeper, 'unseen all night');
    const seen = await postNotification(pns, sleeper, 'seen before the morning');
    const held = await pollUntil(() => database.heldPushJobs(phone.id), (ends) => ends.length === 2, 'both pushes held');
    expect(held).toEqual([new Date('2027-01-15T06:00:00Z'), new Date('2027-01-15T06:00:00Z')]);
    expect(service.pushesTo(phone.endpoint)).toEqual([]);

    await request(pns.baseUrl).post(`/api/users/${sleeper}/notifications/seen`).set(auth).send({ ids: [seen] }).expect(200);

    // 06:50 in Berlin: still quiet. A pass after the clock moved sends another user's push, not these.
    clock.set(new Date('2027-01-15T05:50:00Z'));
    await pushToSomeoneAwake();
    expect(await database.heldPushJobs(phone.id)).toHaveLength(2);
    expect(service.pushesTo(phone.endpoint)).toEqual([]);

    // 07:00:01: the unseen one goes; the seen one is dropped.
    clock.set(new Date('2027-01-15T06:00:01Z'));
    await service.waitFor(() => service.pushesTo(phone.endpoint).length > 0, 'the push after quiet hours');
    await pollUntil(() => database.queuedPushJobs(phone.id), (queued) => queued === 0, 'no push job of the phone left');
    expect(service.pushesTo(phone.endpoint).map((push) => push.payload?.id)).toEqual([unseen]);
  });

  it('pushes at once outside quiet hours, on the user clock rather than UTC', async () => {
    const user = newUser();
    await request(pns.baseUrl)
      .put(`/api/users/${user}/preferences`)
      .set(auth)
      .send({ quietHours: { timeZone: 'America/New_York', from: '22:00', to: '07:00' } })
      .expect(200);
    const phone = await subscribe(user);
    // 23:30 UTC is 18:30 in New York: no quiet hours there yet.
    clock.set(new Date('2027-01-14T23:30:00Z'));
    const id = await postNotification(pns, user, 'evening in New York');
    await service.waitFor(() => service.pushesTo(phone.endpoint).length > 0, 'the push');
    expect(service.pushesTo(phone.endpoint).map((push) => push.payload?.id)).toEqual([id]);
  });
});
