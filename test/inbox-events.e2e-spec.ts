import pg from 'pg';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { postNotification } from './support/devices';
import { EventReceiver } from './support/event-receiver';
import { newUser } from './support/factories';
import { pollUntil } from './support/waiters';

jest.setTimeout(60_000);

let pns: RunningApp;
let db: pg.Client;
let receiver: EventReceiver;
let secret: string;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  pns = await startApp(databaseUrl, { EVENT_HOOK_ALLOW_PRIVATE: 'true', EVENT_HOOK_POLL_INTERVAL: '50ms', EVENT_HOOK_RETRY_FIRST: '50ms' });
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  receiver = await EventReceiver.start();
});
afterAll(async () => {
  await db.end();
  await pns.close();
  await receiver.close();
});

const eventsOf = (userId: string) => receiver.accepted().filter((call) => call.event.data.userId === userId);

describe('events of inbox changes', () => {
  it('writes nothing to the outbox while no hook exists', async () => {
    await postNotification(pns, newUser(), {});
    expect((await db.query('SELECT count(*)::int AS n FROM event_deliveries')).rows[0].n).toBe(0);
  });

  it('tells a hook every change it subscribed to, with the ids and the version, signed', async () => {
    const created = await request(pns.baseUrl)
      .post('/api/event-hooks')
      .set(auth)
      .send({ url: receiver.url, events: ['notification.created', 'notification.seen', 'notification.read', 'notification.deleted'] })
      .expect(201);
    secret = created.body.secret;
    const userId = newUser();
    const [first, second] = [await postNotification(pns, userId, { n: 1 }), await postNotification(pns, userId, { n: 2 })];
    await request(pns.baseUrl)
      .post(`/api/users/${encodeURIComponent(userId)}/notifications/seen`)
      .set(auth)
      .send({ ids: [first] })
      .expect(200);
    await db.query('UPDATE notifications SET read_at = now(), seen_at = coalesce(seen_at, now()) WHERE id = $1', [second]);
    // Unread is no event: a hook cannot subscribe to it, and hears nothing of it.
    await db.query('UPDATE notifications SET read_at = NULL WHERE id = $1', [second]);
    await request(pns.baseUrl).delete(`/api/notifications/${first}`).set(auth).expect(204);

    const events = await pollUntil(() => eventsOf(userId), (calls) => calls.length === 5, "the user's 5 events");
    const byVersion = events.map((call) => call.event).sort((a, b) => Number(a.data.version) - Number(b.data.version));
    expect(byVersion.map((event) => [event.type, event.data.ids, event.data.version])).toEqual([
      ['notification.created', [first], 1],
      ['notification.created', [second], 2],
      ['notification.seen', [first], 3],
      ['notification.read', [second], 4],
      // version 5 was the unread
      ['notification.deleted', [first], 6],
    ]);
    for (const event of byVersion) expect(event.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const webhook = new Webhook(secret);
    for (const call of receiver.received.filter((received) => JSON.parse(received.body).data.userId === userId)) {
      expect(() => webhook.verify(call.body, call.headers as Record<string, string>)).not.toThrow();
    }
  });

  it('tells of archiving, replacing and expiry, one event for one statement over many notifications', async () => {
    const hook = await request(pns.baseUrl)
      .post('/api/event-hooks')
      .set(auth)
      .send({ url: receiver.url, events: ['notification.archived', 'notification.updated', 'notification.expired'] })
      .expect(201);
    const userId = newUser();
    const ids = [await postNotification(pns, userId, {}), await postNotification(pns, userId, {}), await postNotification(pns, userId, {})];
    await db.query('UPDATE notifications SET archived_at = now(), seen_at = coalesce(seen_at, now()) WHERE id = ANY ($1::bigint[])', [ids.slice(0, 2)]);
    // Replaced by key, with an expiry that has already passed; then the expiry job deletes it.
    await db.query(`UPDATE notifications SET data = '{"v": 2}', updated_at = now(), expires_at = now() - interval '1 second' WHERE id = $1`, [ids[2]]);
    await db.query('DELETE FROM notifications WHERE id = $1', [ids[2]]);

    // The hook of the test above hears this user's creations too; this hook's events are these.
    const ofThisHook = () => eventsOf(userId).filter((call) => call.event.type !== 'notification.created');
    const events = await pollUntil(ofThisHook, (calls) => calls.length === 3, "the user's 3 events");
    expect(events.map((call) => [call.event.type, call.event.data.ids]).sort()).toEqual([
      ['notification.archived', ids.slice(0, 2)],
      ['notification.expired', [ids[2]]],
      ['notification.updated', [ids[2]]],
    ]);
    await request(pns.baseUrl).delete(`/api/event-hooks/${hook.body.id}`).set(auth).expect(204);
  });

  it('leaves no event of a change that rolled back', async () => {
    const userId = newUser();
    await db.query('BEGIN');
    await db.query(`INSERT INTO notifications (user_id, data) VALUES ($1, '{}')`, [userId]);
    await db.query('ROLLBACK');
    const rolledBackCanary = await postNotification(pns, userId, {});
    await pollUntil(() => eventsOf(userId), (calls) => calls.length >= 1, 'the later event');
    expect(eventsOf(userId).map((call) => call.event.data.ids)).toEqual([[rolledBackCanary]]);
  });
});
