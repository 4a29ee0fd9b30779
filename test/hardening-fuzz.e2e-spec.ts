import pg from 'pg';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { DatabaseClient } from './support/database-client';
import { Device } from './support/device';
import { connectCounted, registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { RandomJson } from './support/random-json';
import { eventually } from './support/waiters';

jest.setTimeout(120_000);

const SEED = Number(process.env.PNS_FUZZ_SEED ?? 20261201);
const HTTP_CASES = 5_000;
const FRAMES = 5_000;
const EVENT_STREAMS = 40;
const CONCURRENCY = 16;

interface HttpCase {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** How many notifications the request adds when it is accepted (2xx; a deletion removes one), from its answer. */
  stores(responseText: string): number;
}

/**
 * At least 10,000 random bodies and frames (random nesting, every kind of string, huge numbers,
 * wrong types, broken JSON) to every route and frame kind: no 5xx, no internal_error, no crash,
 * and nothing stored by any refused input (the rows in the database are exactly what the
 * accepted requests stored). Seeded: PNS_FUZZ_SEED replays a run.
 */
describe(`fuzzing every route and frame (seed ${SEED})`, () => {
  let pns: RunningApp;
  let databaseUrl: string;
  const random = new RandomJson(SEED);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    pns = await startApp(databaseUrl, { DEVICE_REQUEST_RATE: '1000000', DEVICE_REQUEST_BURST: '1000000', WEBHOOK_RATE: '1000000', WEBHOOK_BURST: '1000000' });
  });
  afterAll(() => pns.close());

  /** A user id as a path segment: usually a fine one, sometimes an encoding nothing should take. */
  const pathId = (): string =>
    random.pick([
      () => encodeURIComponent(`fz-${random.int(50)}`),
      () => encodeURIComponent(`fz-é😀-${random.int(50)}`),
      () => random.pick(['%00', 'a%00b', '%ED%A0%80', '%ED%B0%80x', '%FF', '%C0%80', '%E2%82', 'a%2Fb', '%25', 'x'.repeat(300), '%20', '..', '%0A']),
    ])();
  const queryValue = (): string => random.pick([() => String(random.int(600)), () => encodeURIComponent(`c${random.int(9)}`), () => random.pick(['%00', '%ED%A0%80', '', 'abc', '-1', '1e3', 'MTIzOjQ1Ng', '%FF'])])();
  const userIds = () => `[${Array.from({ length: random.int(4) }, () => (random.chance(0.6) ? `"fz-${random.int(50)}"` : random.value(1))).join(',')}]`;
  const accepted = (count: number) => () => count;
  // An idempotent retry answers the ids it stored before; a replacement by key and a recipient
  // whose preferences keep it out store no new row.
  const createdIds = new Set<string>();
  const createdCount = (text: string) =>
    (JSON.parse(text) as { notifications: { id?: string; replaced?: true }[] }).notifications.filter(({ id, replaced }) => {
      if (id === undefined || replaced || createdIds.has(id)) return false;
      createdIds.add(id);
      return true;
    }).length;
  const isoDate = () => random.pick(['"2024-01-01T00:00:00Z"', '"2999-01-01T00:00:00Z"', '"2024-02-30"', '"yesterday"', random.string()]);
  const ids = () => `[${Array.from({ length: random.int(4) }, () => (random.chance(0.7) ? `"${random.int(99)}"` : random.value(1))).join(',')}]`;
  const markBody = () =>
    random.object({
      set: () => random.pick(['"seen"', '"read"', '"unread"', '"archived"', '"unarchived"', '"snoozed"', '"x"']),
      ...random.pick<Record<string, () => string>>([
        { ids },
        { all: () => random.pick(['true', 'false']) },
        { filter: () => random.object({ category: () => random.pick([random.string(), `"c${random.int(9)}"`]), createdBefore: isoDate, state: () => random.pick(['"unseen"', '"read"', '"x"']) }) },
        { ids, all: () => 'true' },
      ]),
      ...(random.chance(0.2) ? { until: isoDate } : {}),
    });
  const pushSubscription = () =>
    random.pick([
      () => random.object({ fcm: () => random.object({ token: () => random.string(), platform: () => random.pick(['"android"', '"ios"', '"web"', '"x"']) }) }),
      () => random.object({ webpush: () => random.object({ endpoint: () => random.pick(['"https://push.example.com/x"', '"http://127.0.0.1/x"', random.string()]), keys: () => random.object({ p256dh: () => random.string(), auth: () => random.string() }) }) }),
    ])();
  const preferences = () =>
    random.object({
      default: () => random.object({ inbox: () => random.pick(['true', 'false']), push: () => random.pick(['true', 'false']) }),
      categories: () => `{${random.string(4)}:${random.object({ inbox: () => 'false', push: () => 'true' })}}`,
      quietHours: () => random.pick(['null', random.object({ timeZone: () => random.pick(['"Europe/Paris"', '"Mars/Base"', random.string()]), from: () => '"22:00"', to: () => random.pick(['"07:00"', '"25:61"']) })]),
    });

  function httpCase(hookPath: string, ticket: string): HttpCase {
    const body = (text: string) => random.damaged(text);
    const kinds: (() => HttpCase)[] = [
      () => ({
        method: 'POST',
        path: '/api/notifications',
        body: body(
          random.object({
            // Mostly one of the two, as a client means it; both or neither now and then.
            ...(random.chance(0.9) ? (random.chance(0.7) ? { userId: () => (random.chance(0.8) ? `"fz-${random.int(50)}"` : random.string()) } : { userIds }) : { userId: () => `"fz-${random.int(50)}"`, userIds }),
            data: () => random.value(5),
            category: () => (random.chance(0.5) ? `"c${random.int(9)}"` : random.string()),
            idempotencyKey: () => (random.chance(0.5) ? `"k${random.int(200)}"` : random.string()),
            // Never a near expiry: the lifecycle job would delete rows while they are counted.
            ...(random.chance(0.3) ? { key: () => random.pick([`"k${random.int(5)}"`, random.string()]), renotify: () => random.pick(['true', 'false']) } : {}),
            ...(random.chance(0.2) ? (random.chance(0.5) ? { ttl: () => random.pick(['"30d"', '"1y"', '"1 s"', random.string()]) } : { expiresAt: () => random.pick(['"2999-01-01T00:00:00Z"', '"2024-02-30"', random.string()]) }) : {}),
            ...(random.chance(0.2) ? { push: () => random.pick(['"never"', '"offline"', '"x"']), pushDisplay: () => random.object({ title: () => random.string(), body: () => random.string(), url: () => random.string() }) } : {}),
          }),
        ),
        headers: random.chance(0.1) ? { 'Idempotency-Key': `k${random.int(20)}` } : undefined,
        stores: createdCount,
      }),
      // Random fields nearly always hold something refused; a client's likely notification, with
      // the part-two fields, is mostly stored (replaced by key, kept out by preferences).
      () => {
        const fields = [`"userId": "fz-${random.int(50)}"`, `"data": {"n": ${random.number()}, "text": "t${random.int(9)}"}`, `"category": "c${random.int(9)}"`];
        if (random.chance(0.4)) fields.push(`"key": "k${random.int(5)}"`, `"renotify": ${random.pick(['true', 'false'])}`);
        if (random.chance(0.3)) fields.push(random.pick(['"ttl": "30d"', '"expiresAt": "2999-01-01T00:00:00Z"', '"ttl": "soon"']));
        if (random.chance(0.3)) fields.push(`"push": ${random.pick(['"never"', '"always"', '"offline"'])}`, `"pushDisplay": {"title": "t", "url": ${random.pick(['"https://example.com/x"', '"javascript:1"'])}}`);
        return { method: 'POST', path: '/api/notifications', body: body(`{${fields.join(', ')}}`), stores: createdCount };
      },
      () => ({ method: 'POST', path: `/api/users/${pathId()}/notifications/seen`, body: body(random.object({ ids: () => `[${random.number()},"${random.int(99)}"]`, all: () => random.pick(['true', 'false']) })), stores: accepted(0) }),
      () => ({ method: 'GET', path: `/api/users/${pathId()}/notifications?state=${random.pick(['all', 'seen', 'unseen', 'x', '%00'])}&limit=${queryValue()}&cursor=${queryValue()}`, stores: accepted(0) }),
      () => ({ method: 'GET', path: `/api/users/${pathId()}/unseen-count`, stores: accepted(0) }),
      () => ({ method: 'DELETE', path: `/api/notifications/${random.pick(['1', '0', '-1', '99999999999999999999999', 'abc', '%00', '1.5'])}`, stores: accepted(-1) }),
      () => ({ method: 'PUT', path: `/api/${pathId()}/register?connectionId=${queryValue()}`, stores: accepted(0) }),
      () => ({ method: 'POST', path: `/api/users/${pathId()}/webhooks`, stores: accepted(0) }),
      () => ({
        method: 'POST',
        path: hookPath,
        body: body(random.chance(0.5) ? random.object({ message: () => random.value(4) }) : random.value(4)),
        headers: { 'Content-Type': random.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']) },
        stores: accepted(1),
      }),
      () => ({ method: 'POST', path: `/api/${pathId()}/push`, body: body(random.object({ message: () => random.value(4) })), stores: accepted(1) }),
      () => {
        const events = Array.from({ length: random.int(4) }, () => random.object({ accessid: () => `"fz-${random.int(50)}"`, created_at: () => random.number(), payload: () => random.value(4) }));
        // Accepted, the body was an array of valid events, each stored.
        return { method: 'POST', path: '/push_events', body: body(`[${events.join(',')}]`), stores: accepted(events.length) };
      },
      () => ({ method: 'POST', path: '/drop_user', body: body(random.object({ drop_access_id: () => random.string() })), stores: accepted(0) }),
      () => ({ method: 'POST', path: `/subscribe/requests?connectionId=${ticket}`, body: frame(), headers: { 'Content-Type': random.pick(['application/json', 'text/plain']) }, stores: accepted(0) }),
      () => ({ method: 'POST', path: `/api/users/${pathId()}/notifications/mark`, body: body(markBody()), stores: accepted(0) }),
      () => ({ method: 'GET', path: `/api/users/${pathId()}/counts`, stores: accepted(0) }),
      () => ({ method: 'GET', path: `/api/users/${pathId()}/changes?since=${queryValue()}&limit=${queryValue()}`, stores: accepted(0) }),
      () => ({ method: 'GET', path: `/api/users/${pathId()}/notifications?state=${random.pick(['unread', 'read', 'archived', 'snoozed'])}&category=${queryValue()}&category=${queryValue()}`, stores: accepted(0) }),
      // Subscriptions and preferences of users nobody notifies here: none may hold a notification back or push it.
      () => ({ method: 'POST', path: `/api/users/fzp-${random.int(20)}/push-subscriptions`, body: body(pushSubscription()), stores: accepted(0) }),
      () => ({ method: 'GET', path: `/api/users/${pathId()}/push-subscriptions`, stores: accepted(0) }),
      () => ({ method: 'DELETE', path: `/api/push-subscriptions/${random.pick(['00000000-0000-0000-0000-000000000000', 'abc', '%00', '1'])}`, stores: accepted(0) }),
      () => ({ method: 'PUT', path: `/api/users/fzp-${random.int(20)}/preferences`, body: body(preferences()), stores: accepted(0) }),
      () => ({ method: 'GET', path: `/api/users/${pathId()}/preferences`, stores: accepted(0) }),
      () => ({ method: 'GET', path: `/api/users/${pathId()}/stats`, stores: accepted(0) }),
      () => ({ method: 'GET', path: `/api/stats?${random.pick(['from=2024-01-01T00:00:00Z&', 'from=2024-02-30&', `from=${queryValue()}&`, ''])}category=${queryValue()}`, stores: accepted(0) }),
      () => ({
        method: 'POST',
        path: '/api/event-hooks',
        body: body(random.object({ url: () => random.pick(['"http://10.0.0.1/hook"', '"ftp://example.com"', '"http://[::1]/"', random.string()]), events: () => `[${random.pick(['"notification.created"', '"x"', random.string()])}]` })),
        stores: accepted(0),
      }),
      () => ({ method: 'GET', path: `/api/event-hooks/${random.pick(['00000000-0000-0000-0000-000000000000', 'abc', '%00'])}/deliveries?status=${random.pick(['failed', 'pending', 'x', '%00'])}`, stores: accepted(0) }),
      () => ({ method: 'DELETE', path: `/api/${random.pick(['event-hooks', 'webhooks'])}/${random.pick(['00000000-0000-0000-0000-000000000000', 'abc', '%00'])}`, stores: accepted(0) }),
    ];
    return random.pick(kinds)();
  }

  /** One device-protocol frame: each request kind with likely, random or missing parameters. */
  function frame(): string {
    const requestId = random.chance(0.7) ? `,"requestId":${random.chance(0.5) ? random.number() : random.string()}` : '';
    const shaped = random.pick([
      () => '"unseenNotificationDataRequest"',
      () => `{"unseenNotificationDataRequest":${random.object({ limit: () => random.number() })}${requestId}}`,
      () => `{"seenNotificationsRequest":${random.object({ receivedAfter: () => random.pick(['"2024-01-01T00:00:00Z"', '"2024-02-30"', random.string()]), limit: () => random.number() })}${requestId}}`,
      () => `{"notificationDataRequest":${random.object({ receivedAfter: () => random.pick(['""', 'null', '"2000-01-01"', random.string()]), limit: () => random.number() })}${requestId}}`,
      () => `{"webhookRequest":${random.chance(0.8) ? '{}' : random.value(2)}${requestId}}`,
      () => `{"countsRequest":${random.chance(0.8) ? '{}' : random.value(2)}${requestId}}`,
      () => `{"changesRequest":${random.object({ since: () => random.number(), limit: () => random.number() })}${requestId}}`,
      () => `{"markRequest":${markBody()}${requestId}}`,
      () => `{"pushSubscribeRequest":${pushSubscription()}${requestId}}`,
      () => `{"pushUnsubscribeRequest":${random.object({ id: () => random.pick(['"00000000-0000-0000-0000-000000000000"', random.string()]) })}${requestId}}`,
      () => `{"preferencesRequest":${random.chance(0.8) ? '{}' : random.value(2)}${requestId}}`,
      () => `{"preferencesUpdate":${preferences()}${requestId}}`,
      () => random.value(4),
    ])();
    return random.damaged(shaped);
  }

  async function send(testCase: HttpCase): Promise<{ status: number; text: string }> {
    const response = await fetch(`${pns.baseUrl}${testCase.path}`, {
      method: testCase.method,
      headers: { ...auth, ...(testCase.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...testCase.headers },
      body: testCase.body,
    });
    return { status: response.status, text: await response.text() };
  }

  it(`answers ${HTTP_CASES} requests, ${FRAMES} frames and ${EVENT_STREAMS} event-stream subscriptions without a 5xx, and stores only what it accepted`, async () => {
    const owner = newUser();
    const hook = await fetch(`${pns.baseUrl}/api/users/${owner}/webhooks`, { method: 'POST', headers: auth });
    const hookPath = new URL(((await hook.json()) as { url: string }).url).pathname;
    const ticket = await registerTicket(pns, owner);

    const cases = Array.from({ length: HTTP_CASES }, () => httpCase(hookPath, ticket));
    const failures: { path: string; body?: string; status: number; text: string }[] = [];
    let stored = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const testCase = cases[next++];
          const { status, text } = await send(testCase);
          if (status >= 500) failures.push({ path: testCase.path, body: testCase.body?.slice(0, 300), status, text });
          else if (status < 300) stored += testCase.stores(text);
        }
      }),
    );
    expect(failures.slice(0, 5)).toEqual([]);

    const device = await connectCounted(pns, owner);
    const frames = Array.from({ length: FRAMES }, frame);
    const answers = () => device.frames.filter((received) => !('newNotificationCountChanged' in received));
    let answered = 0;
    device.socket.on('message', (raw) => void (!raw.toString().startsWith('{"newNotificationCountChanged"') && (answered += 1)));
    // As a busy client would: a window of requests awaiting their answers, not all at once.
    for (const [sent, text] of frames.entries()) {
      if (sent - answered >= CONCURRENCY * 4) await device.nextFrame(() => sent - answered < CONCURRENCY * 4);
      device.send(text);
    }
    await eventually(() => answered >= FRAMES, `${FRAMES} answers`, 60_000);
    expect(answers().filter((answer) => 'error' in answer && (answer.error as { code: string }).code !== 'bad_request').slice(0, 3)).toEqual([]);
    expect(device.closeCode).toBeUndefined();

    const streams = await Promise.all(
      Array.from({ length: EVENT_STREAMS }, async () => {
        const stream = await Device.connect(pns.wsUrl, { path: `/subscribe_to_events?connectionId=${await registerTicket(pns, owner)}` });
        stream.send(random.damaged(random.object({ access_id: () => (random.chance(0.5) ? `"${owner}"` : random.string()), timestamp: () => random.number() })));
        return stream;
      }),
    );
    // Each either took its subscription (and stays open) or was refused with 1008, never an error of ours.
    await eventually(() => streams.every((stream) => stream.closeCode !== undefined || stream.frames.length > 0), 'every subscription answered');
    expect(streams.map((stream) => stream.closeCode).filter((code) => code !== undefined && code !== 1008)).toEqual([]);
    streams.forEach((stream) => stream.close());
    device.close();

    const live = await fetch(`${pns.baseUrl}/health/live`);
    expect(live.status).toBe(200);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const database = new DatabaseClient(client);
    try {
      expect(await database.notificationCount()).toBe(stored);
    } finally {
      await database.end();
    }
  });
});
