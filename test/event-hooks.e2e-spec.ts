import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { PrismaService } from '../src/database/prisma.service';
import { EventDeliveryService } from '../src/event-hooks/event-delivery.service';
import { EventHooksService } from '../src/event-hooks/event-hooks.service';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { EventReceiver } from './support/event-receiver';
import { newUser } from './support/factories';
import { pollUntil } from './support/waiters';

jest.setTimeout(60_000);

/** Short retries so that a test sees several attempts in well under a second of backoff. */
const FAST_RETRIES = {
  EVENT_HOOK_ALLOW_PRIVATE: 'true',
  EVENT_HOOK_RETRY_FIRST: '50ms',
  EVENT_HOOK_RETRY_MAX: '200ms',
  EVENT_HOOK_POLL_INTERVAL: '50ms',
};

let databaseUrl: string;
let pns: RunningApp;
const receivers: EventReceiver[] = [];

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  pns = await startApp(databaseUrl, FAST_RETRIES);
});
afterAll(async () => {
  await pns.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiver(answer?: (previousAttempts: number) => number): Promise<EventReceiver> {
  const started = await EventReceiver.start(answer);
  receivers.push(started);
  return started;
}

async function createHook(url: string, events: string[]): Promise<{ id: string; secret: string }> {
  const response = await request(pns.baseUrl).post('/api/event-hooks').set(auth).send({ url, events }).expect(201);
  return response.body;
}

function pushEvents(userId: string, count: number, type: 'push.sent' | 'push.failed' = 'push.sent') {
  return Array.from({ length: count }, (_, n) => ({ type, at: new Date(), userId, ids: [String(1000 + n)], subscriptionId: `sub-${n}` }));
}

async function deliveries(hookId: string, status?: string): Promise<{ status: string; attempts: number; lastError: string | null; event: { type: string } }[]> {
  const response = await request(pns.baseUrl)
    .get(`/api/event-hooks/${hookId}/deliveries`)
    .query(status ? { status } : {})
    .set(auth)
    .expect(200);
  return response.body.items;
}

describe('event hooks over REST', () => {
  it('gives the secret once, in Standard Webhooks form, lists hooks without it, deletes them', async () => {
    const target = await receiver();
    const created = await createHook(target.url, ['notification.created', 'push.failed']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const listed = await request(pns.baseUrl).get('/api/event-hooks').set(auth).expect(200);
    const hook = listed.body.items.find((item: { id: string }) => item.id === created.id);
    expect(hook).toEqual({ id: created.id, url: target.url, events: ['notification.created', 'push.failed'], createdAt: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toContain(created.secret.slice(6));

    await request(pns.baseUrl).delete(`/api/event-hooks/${created.id}`).set(auth).expect(204);
    await request(pns.baseUrl).delete(`/api/event-hooks/${created.id}`).set(auth).expect(404);
    await request(pns.baseUrl).get(`/api/event-hooks/${created.id}/deliveries`).set(auth).expect(404);
    await request(pns.baseUrl).delete('/api/event-hooks/not-a-uuid').set(auth).expect(404);
  });

  it.each([
    ['an unknown event', { url: 'http://127.0.0.1:9/x', events: ['notification.exploded'] }],
    ['no events', { url: 'http://127.0.0.1:9/x', events: [] }],
    ['no url', { events: ['push.sent'] }],
    ['a url that is not http(s)', { url: 'ftp://example.com/x', events: ['push.sent'] }],
    ['credentials in the url', { url: 'http://user:pass@127.0.0.1:9/x', events: ['push.sent'] }],
    ['an unknown field', { url: 'http://127.0.0.1:9/x', events: ['push.sent'], secret: 'mine' }],
  ])('refuses %s with 400', async (_case, body) => {
    const response = await request(pns.baseUrl).post('/api/event-hooks').set(auth).send(body).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
  });

  it('needs the app token', async () => {
    await request(pns.baseUrl).get('/api/event-hooks').expect(401);
    await request(pns.baseUrl).post('/api/event-hooks').send({ url: 'http://127.0.0.1:9/x', events: ['push.sent'] }).expect(401);
  });

  it('refuses private, loopback and link-local targets unless EVENT_HOOK_ALLOW_PRIVATE=true', async () => {
    const strict = await startApp(databaseUrl, { EVENT_HOOK_ALLOW_PRIVATE: 'false' });
    try {
      for (const url of ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]/x', 'https://10.0.0.8/x', 'http://169.254.169.254/latest', 'http://[::ffff:192.168.1.1]/x', 'http://0.0.0.0/x']) {
        const response = await request(strict.baseUrl).post('/api/event-hooks').set(auth).send({ url, events: ['push.sent'] });
        expect({ url, status: response.status }).toEqual({ url, status: 400 });
      }
      const unresolvable = await request(strict.baseUrl).post('/api/event-hooks').set(auth).send({ url: 'https://no-such-host.invalid/x', events: ['push.sent'] });
      expect(unresolvable.status).toBe(400);
      expect((await request(strict.baseUrl).get('/api/event-hooks').set(auth).expect(200)).body.items.map((hook: { url: string }) => hook.url)).not.toContain('http://localhost/x');
    } finally {
      await strict.close();
    }
  });
});

describe('delivery', () => {
  it('retries a receiver that fails the first 3 attempts until it accepts every event, signed with the hook secret', async () => {
    const flaky = await receiver((previousAttempts) => (previousAttempts < 3 ? 503 : 204));
    const hook = await createHook(flaky.url, ['push.sent']);
    const userId = newUser();
    const events = pushEvents(userId, 5);
    expect(await pns.app.get(EventHooksService).enqueuePushEvents(events)).toBe(5);

    const accepted = await pollUntil(() => flaky.accepted(), (calls) => new Set(calls.map((call) => call.id)).size === 5, '5 accepted events');
    expect(accepted.map((call) => call.event.data.ids).sort()).toEqual(events.map((event) => event.ids).sort());
    for (const call of accepted) {
      expect(call.event).toEqual({ type: 'push.sent', timestamp: expect.stringMatching(/Z$/), data: { userId, ids: expect.any(Array), subscriptionId: expect.any(String) } });
    }
    // Every attempt, failed or not, carries a signature the library verifies with the secret.
    const verifier = new Webhook(hook.secret);
    for (const call of flaky.received) {
      expect(verifier.verify(call.body, call.headers as Record<string, string>)).toEqual(JSON.parse(call.body));
    }
    expect(() => new Webhook(`whsec_${Buffer.alloc(24).toString('base64')}`).verify(flaky.received[0].body, flaky.received[0].headers as Record<string, string>)).toThrow();
    // Each event was tried 3 times in vain, then accepted, under one webhook-id.
    const callsPerId = new Map<string, number>();
    for (const call of flaky.received) callsPerId.set(String(call.headers['webhook-id']), (callsPerId.get(String(call.headers['webhook-id'])) ?? 0) + 1);
    expect([...callsPerId.values()]).toEqual([4, 4, 4, 4, 4]);

    const log = await pollUntil(() => deliveries(hook.id, 'succeeded'), (items) => items.length === 5, 'the log to show 5 succeeded');
    expect(log.map((item) => item.attempts)).toEqual([4, 4, 4, 4, 4]);
    expect(await deliveries(hook.id, 'pending')).toEqual([]);
  });

  it('sends a hook only the events it subscribed to', async () => {
    const target = await receiver();
    const hook = await createHook(target.url, ['push.failed']);
    const userId = newUser();
    await pns.app.get(EventHooksService).enqueuePushEvents([...pushEvents(userId, 2, 'push.sent'), ...pushEvents(userId, 1, 'push.failed')]);
    await pollUntil(() => deliveries(hook.id, 'succeeded'), (items) => items.length === 1, 'one succeeded delivery');
    expect((await deliveries(hook.id)).map((item) => item.event.type)).toEqual(['push.failed']);
  });

  it('marks an event failed once its retry window has passed, and lists deliveries by status', async () => {
    const shortWindow = await startApp(databaseUrl, { ...FAST_RETRIES, EVENT_HOOK_RETRY_FOR: '1s' });
    try {
      const down = await receiver(() => 500);
      const up = await receiver();
      const failing = await createHook(down.url, ['push.failed']);
      const working = await createHook(up.url, ['push.failed']);
      await shortWindow.app.get(EventHooksService).enqueuePushEvents(pushEvents(newUser(), 1, 'push.failed'));

      const failed = await pollUntil(() => deliveries(failing.id, 'failed'), (items) => items.length === 1, 'the delivery to fail for good');
      expect(failed[0]).toMatchObject({ status: 'failed', lastError: expect.stringContaining('answered 500') });
      expect(failed[0].attempts).toBeGreaterThan(1);
      expect(await deliveries(failing.id, 'succeeded')).toEqual([]);
      expect(await deliveries(failing.id, 'pending')).toEqual([]);
      await pollUntil(() => deliveries(working.id, 'succeeded'), (items) => items.length === 1, 'the other hook to get it');
      await request(pns.baseUrl).get(`/api/event-hooks/${failing.id}/deliveries`).query({ status: 'lost' }).set(auth).expect(400);
    } finally {
      await shortWindow.close();
    }
  });

  it('prunes settled deliveries older than a week from the log, never pending ones', async () => {
    const hook = await createHook((await receiver()).url, ['push.sent']);
    const pool = pns.app.get(PrismaService).pool;
    await pool.query(
      `INSERT INTO event_deliveries (hook_id, type, payload, status, next_attempt_at, created_at)
       SELECT $1, 'push.sent', '{}', status, now() + interval '1 hour', now() - age
       FROM (VALUES ('succeeded', interval '8 days'), ('failed', interval '8 days'), ('pending', interval '8 days'), ('succeeded', interval '6 days')) AS d(status, age)`,
      [hook.id],
    );
    expect(await pns.app.get(EventDeliveryService).pruneLog()).toBe(2);
    expect((await deliveries(hook.id)).map((item) => item.status).sort()).toEqual(['pending', 'succeeded']);
  });

  it('checks the target again at delivery time: a private address is not reached once private targets are refused', async () => {
    // A database of its own: the other instance here, allowed private targets, would deliver.
    const ownDatabase = await createTestDatabase();
    const target = await receiver();
    const lenient = await startApp(ownDatabase, FAST_RETRIES);
    // By address, and by a name that resolves to one (checked in the connection's own lookup).
    const hooks = await Promise.all(
      [target.url, target.url.replace('127.0.0.1', 'localhost')].map((url) =>
        request(lenient.baseUrl).post('/api/event-hooks').set(auth).send({ url, events: ['push.sent'] }).expect(201),
      ),
    );
    await lenient.close();

    const strict = await startApp(ownDatabase, { EVENT_HOOK_POLL_INTERVAL: '50ms', EVENT_HOOK_RETRY_FIRST: '10s' });
    try {
      await strict.app.get(EventHooksService).enqueuePushEvents(pushEvents(newUser(), 1));
      for (const hook of hooks) {
        const log = () => request(strict.baseUrl).get(`/api/event-hooks/${hook.body.id}/deliveries`).set(auth).expect(200).then((response) => response.body.items);
        const refused = await pollUntil(log, (items) => typeof items[0]?.lastError === 'string', 'an attempt');
        expect(refused[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('not a public address') });
      }
      expect(target.received).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
