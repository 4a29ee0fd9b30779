import pg from 'pg';
import request from 'supertest';
import { Bus } from '../src/bus/bus';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import type { Device, Frame } from './support/device';
import { connectCounted, postNotification, registerTicket } from './support/devices';
import { newUser } from './support/factories';

/** Two pns instances on one database, as behind a load balancer: devices on either hear everything. */
describe('several instances on one database', () => {
  let databaseUrl: string;
  let a: RunningApp;
  let b: RunningApp;
  const devices: Device[] = [];
  const connect = async (pns: RunningApp, userId: string, ticket?: string) => {
    const device = await connectCounted(pns, userId, { ticket });
    devices.push(device);
    return device;
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    [a, b] = await Promise.all([startApp(databaseUrl), startApp(databaseUrl)]);
  });
  afterEach(() => devices.splice(0).forEach((device) => device.close()));
  afterAll(() => Promise.all([a.close(), b.close()]));

  it('a notification posted on one instance reaches a device on the other', async () => {
    const user = newUser();
    const onB = await connect(b, user);
    await postNotification(a, user, 'via a');
    await onB.waitForCount(1);
  });

  it('data taken on a device of one instance sets the count of a device on the other', async () => {
    const user = newUser();
    const ticket = await registerTicket(a, user);
    await postNotification(a, user, 1);
    await postNotification(b, user, 2);
    const [onA, onB] = [await connect(a, user, ticket), await connect(b, user, ticket)];
    expect([onA.lastCount, onB.lastCount]).toEqual([2, 2]);

    const answer = await onB.request({ unseenNotificationDataRequest: {} });
    expect((answer.newNotificationData as Frame[]).map((item) => item.notification_data)).toEqual([2, 1]);
    await onA.waitForCount(0);
    await onB.waitForCount(0);
  });

  it('DELETE connections on one instance closes the user’s devices on every instance and counts them all', async () => {
    const [user, other] = [newUser(), newUser()];
    const dropped = [await connect(a, user), await connect(b, user), await connect(b, user)];
    const kept = await connect(b, other);

    const response = await request(a.baseUrl).delete(`/api/users/${user}/connections`).set(auth).expect(200);
    expect(response.body).toEqual({ dropped: 3 });
    expect(await Promise.all(dropped.map((device) => device.waitForClose()))).toEqual([4001, 4001, 4001]);
    await postNotification(a, other, 'still connected');
    await kept.waitForCount(1);
  });

  it('an instance that never answers a drop delays the answer by about 2 s, and the others are counted', async () => {
    // A bus connection whose instance hung: it counts as live but never replies.
    const ghost = new pg.Client({ connectionString: databaseUrl, application_name: 'pns-bus:ghost' });
    await ghost.connect();
    try {
      const user = newUser();
      const device = await connect(b, user);
      const started = performance.now();
      await request(a.baseUrl).delete(`/api/users/${user}/connections`).set(auth).expect(200, { dropped: 1 });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThan(1_900);
      // The 2 s wait for replies, with room for a loaded machine, not a wait for the ghost.
      expect(elapsed).toBeLessThan(5_000);
      expect(await device.waitForClose()).toBe(4001);
    } finally {
      await ghost.end();
    }
  });

  it('a count committed while an instance lost its database connection reaches its devices once it is back', async () => {
    const user = newUser();
    const onB = await connect(b, user);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
        `pns-bus:${b.app.get(Bus).instanceId}`,
      ]);
      expect(rowCount).toBe(1);
      // Committed at once, while b is still reconnecting: b cannot hear this NOTIFY.
      await admin.query(`INSERT INTO notifications (user_id, data) VALUES ($1, '"while b was away"')`, [user]);
    } finally {
      await admin.end();
    }
    await onB.waitForCount(1);
    // And b hears the changes that follow.
    await postNotification(a, user, 'after');
    await onB.waitForCount(2);
  });
});
