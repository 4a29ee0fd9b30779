import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import type { Device, Frame } from './support/device';
import { connectCounted, postNotification, registerTicket, unseenCount } from './support/devices';
import { FakeDelegate } from './support/fake-delegate';
import { newUser } from './support/factories';
import { openCountedSse, SseDevice, SseRefused } from './support/sse-device';
import { pollUntil } from './support/waiters';

const HEARTBEAT_MS = 200;
const ALLOWED_ORIGIN = 'https://app.example.com';

/** The refusal of an event stream: its status and JSON body, or a failure if it opened. */
async function refusal(opening: Promise<SseDevice>): Promise<{ status: number; body: unknown }> {
  try {
    (await opening).close();
  } catch (error) {
    if (error instanceof SseRefused) return { status: error.status, body: JSON.parse(error.body) };
    throw error;
  }
  throw new Error('the event stream opened');
}

/** The device protocol over Server-Sent Events and POST /subscribe/requests (docs/protocol.md). */
describe('devices on Server-Sent Events', () => {
  let databaseUrl: string;
  let pns: RunningApp;
  const streams: SseDevice[] = [];
  const sockets: Device[] = [];
  const open = async (app: RunningApp, userId: string, options?: { ticket?: string; lastEventId?: string }) => {
    const device = await openCountedSse(app, userId, options);
    streams.push(device);
    return device;
  };
  const ask = (app: RunningApp, ticket: string, body: string, contentType = 'application/json') =>
    request(app.baseUrl).post(`/subscribe/requests?connectionId=${encodeURIComponent(ticket)}`).set('Content-Type', contentType).send(body);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    pns = await startApp(databaseUrl, { HEARTBEAT_INTERVAL: `${HEARTBEAT_MS}ms` });
  });
  afterEach(() => {
    streams.splice(0).forEach((device) => device.close());
    sockets.splice(0).forEach((device) => device.close());
  });
  afterAll(() => pns.close());

  describe('GET /subscribe with Accept: text/event-stream', () => {
    it('streams unbuffered, starts with the count stored in the database, then each new count, with rising ids', async () => {
      const user = newUser();
      await postNotification(pns, user, 1);
      await postNotification(pns, user, 2);
      const device = await open(pns, user);
      expect(device.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(device.response.headers['cache-control']).toBe('no-cache, no-transform');
      expect(device.response.headers['x-accel-buffering']).toBe('no');
      expect(device.events).toEqual([{ id: '1', event: 'newNotificationCountChanged', data: 2 }]);

      await postNotification(pns, user, 3);
      await device.waitForCount(3);
      expect(device.events.at(-1)).toEqual({ id: '2', event: 'newNotificationCountChanged', data: 3 });
    });

    it("reaches a user's WebSocket and SSE devices alike, and no other user's", async () => {
      const [user, other] = [newUser(), newUser()];
      const [stream, socket, otherStream] = [await open(pns, user), await connectCounted(pns, user), await open(pns, other)];
      sockets.push(socket);

      await postNotification(pns, user, 'both');
      await Promise.all([stream.waitForCount(1), socket.waitForCount(1)]);
      // Taken over the WebSocket: the SSE device hears the new count too.
      await socket.request({ unseenNotificationDataRequest: {} });
      await stream.waitForCount(0);
      // Announced after the user's changes: a count for the other user caused by them would come first.
      await postNotification(pns, other, 'own');
      await otherStream.waitForCount(1);
      expect(otherStream.events.map((event) => event.data)).toEqual([0, 1]);
    });

    it('sends a comment line as a heartbeat every HEARTBEAT_INTERVAL (capped at 25 s)', async () => {
      const device = await open(pns, newUser());
      const started = Date.now();
      await device.waitForComment(0);
      await device.waitForComment(1);
      expect(device.comments.slice(0, 2)).toEqual(['ping', 'ping']);
      // Two intervals, with room for a loaded machine, and far below the 25 s cap.
      expect(Date.now() - started).toBeLessThan(25 * HEARTBEAT_MS);
      // Comments are not events: the device heard its count once.
      expect(device.events).toHaveLength(1);
    });

    it('resumes after Last-Event-ID with the next id and the current count, replaying nothing', async () => {
      const user = newUser();
      const ticket = await registerTicket(pns, user);
      const first = await open(pns, user, { ticket });
      await postNotification(pns, user, 'a');
      await first.waitForCount(1);
      const lastEventId = first.lastEventId!;
      expect(lastEventId).toBe('2');
      first.close();
      // Missed while away: the resumed stream starts from the count now, not from what was missed.
      await postNotification(pns, user, 'b');
      await postNotification(pns, user, 'c');

      const resumed = await open(pns, user, { ticket, lastEventId });
      expect(resumed.events).toEqual([{ id: '3', event: 'newNotificationCountChanged', data: 3 }]);
      await postNotification(pns, user, 'd');
      await resumed.waitForCount(4);
      expect(resumed.events.map((event) => event.id)).toEqual(['3', '4']);

      // A client that opens a new EventSource (no headers) passes it in the query.
      const byQuery = await SseDevice.open(pns.baseUrl, { path: `/subscribe?connectionId=${ticket}&lastEventId=41` });
      streams.push(byQuery);
      expect(await byQuery.nextEvent(() => true, { since: 0 })).toEqual({ id: '42', event: 'newNotificationCountChanged', data: 4 });
    });

    it('starts over at id 1 after a Last-Event-ID that is not one of its ids', async () => {
      const user = newUser();
      for (const lastEventId of ['garbage', '-3', '1e3', '9'.repeat(16)]) {
        const device = await open(pns, user, { lastEventId });
        expect(device.events).toEqual([{ id: '1', event: 'newNotificationCountChanged', data: 0 }]);
      }
    });

    it('ends the stream with a close event (code 4001) when the application drops the user', async () => {
      const [user, other] = [newUser(), newUser()];
      const [stream, socket, kept] = [await open(pns, user), await connectCounted(pns, user), await open(pns, other)];
      sockets.push(socket);

      const response = await request(pns.baseUrl).delete(`/api/users/${user}/connections`).set(auth).expect(200);
      expect(response.body).toEqual({ dropped: 2 });
      await stream.waitForEnd();
      const [beforeClose, close] = stream.events.slice(-2);
      expect(close).toEqual({ id: String(Number(beforeClose.id) + 1), event: 'close', data: { code: 4001, reason: 'dropped by the application' } });
      expect(await socket.waitForClose()).toBe(4001);

      await postNotification(pns, other, 'still here');
      await kept.waitForCount(1);
      expect(kept.ended).toBe(false);
    });

    it('answers 406 to a plain GET that asks for neither a WebSocket nor an event stream', async () => {
      const ticket = await registerTicket(pns, newUser());
      const response = await request(pns.baseUrl).get(`/subscribe?connectionId=${ticket}`).set('Accept', 'application/json').expect(406);
      expect(response.body).toEqual({ statusCode: 406, error: 'Not Acceptable', message: expect.stringContaining('text/event-stream') });
    });

    it('counts its streams in /metrics under transport "sse"', async () => {
      const own = await startApp(await createTestDatabase());
      const connected = async () => Number(/^pns_connected_devices\{transport="sse"\} (\d+)$/m.exec((await request(own.baseUrl).get('/metrics').expect(200)).text)?.[1]);
      try {
        const [first, second] = [await openCountedSse(own, newUser()), await openCountedSse(own, newUser())];
        expect(await connected()).toBe(2);
        first.close();
        expect(await pollUntil(connected, (count) => count <= 1, 'the closed stream uncounted')).toBe(1);
        second.close();
      } finally {
        await own.close();
      }
    });

    it('ends its streams with a close event (1001) when the server shuts down', async () => {
      const stopping = await startApp(await createTestDatabase());
      const device = await openCountedSse(stopping, newUser());
      await stopping.close();
      await device.waitForEnd();
      expect(device.events.at(-1)).toMatchObject({ event: 'close', data: { code: 1001 } });
    });

    it('hears counts and drops from another instance on the same database', async () => {
      const other = await startApp(databaseUrl);
      try {
        const user = newUser();
        const device = await open(other, user);
        await postNotification(pns, user, 'via the first instance');
        await device.waitForCount(1);
        await request(pns.baseUrl).delete(`/api/users/${user}/connections`).set(auth).expect(200, { dropped: 1 });
        await device.waitForEnd();
      } finally {
        await other.close();
      }
    });
  });

  describe('POST /subscribe/requests', () => {
    it('answers unseenNotificationDataRequest with the answer frame, and every device hears the new count', async () => {
      const user = newUser();
      const ticket = await registerTicket(pns, user);
      await postNotification(pns, user, { n: 1 });
      await postNotification(pns, user, { n: 2 }, 'billing');
      const device = await open(pns, user, { ticket });

      const response = await ask(pns, ticket, JSON.stringify({ unseenNotificationDataRequest: { limit: 10 }, requestId: 'r1' })).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({
        newNotificationData: [
          { id: expect.any(String), notification_data: { n: 2 }, category: 'billing', create_date: expect.any(String), seen_date: expect.any(String) },
          { id: expect.any(String), notification_data: { n: 1 }, create_date: expect.any(String), seen_date: expect.any(String) },
        ],
        requestId: 'r1',
      });
      await device.waitForCount(0);
      expect(await unseenCount(pns, user)).toBe(0);

      const seen = await ask(pns, ticket, JSON.stringify({ seenNotificationsRequest: { receivedAfter: '2000-01-01T00:00:00Z', limit: 1 }, requestId: 2 })).expect(200);
      expect(seen.body).toEqual({ seenNotificationData: [expect.objectContaining({ notification_data: { n: 2 } })], requestId: 2 });
    });

    it('takes the bare string form and text/plain bodies (no CORS preflight needed), as a WebSocket frame', async () => {
      const user = newUser();
      const ticket = await registerTicket(pns, user);
      await postNotification(pns, user, 'x');
      const response = await ask(pns, ticket, '"unseenNotificationDataRequest"', 'text/plain').expect(200);
      expect((response.body.newNotificationData as Frame[]).map((item) => item.notification_data)).toEqual(['x']);
      const json = await ask(pns, ticket, '"unseenNotificationDataRequest"').expect(200);
      expect(json.body).toEqual({ newNotificationData: [] });
    });

    it('answers a webhookRequest with a working webhook URL of the device’s user', async () => {
      const user = newUser();
      const ticket = await registerTicket(pns, user);
      const device = await open(pns, user, { ticket });
      const response = await ask(pns, ticket, '{"webhookRequest": {}, "requestId": "w"}').expect(200);
      expect(response.body).toEqual({ webhook: { id: expect.any(String), url: expect.stringMatching(/\/hooks\/[\w-]{43}$/) }, requestId: 'w' });

      const path = new URL(response.body.webhook.url as string).pathname;
      await request(pns.baseUrl).post(path).send({ message: 'from the hook' }).expect(201);
      await device.waitForCount(1);
    });

    it('answers a bad request with a bad_request error frame and 400, changing nothing', async () => {
      const user = newUser();
      const ticket = await registerTicket(pns, user);
      await postNotification(pns, user, 1);
      const bad: [string, RegExp, unknown][] = [
        ['{not json', /not JSON/, undefined],
        ['', /not JSON/, undefined],
        ['{"deleteAll": {}, "requestId": "b1"}', /unknown request "deleteAll"/, 'b1'],
        ['{"unseenNotificationDataRequest": {"limit": 0}, "requestId": 7}', /limit must be an integer from 1 to 500/, 7],
        ['{"webhookRequest": {"for": "someone"}}', /webhookRequest.for is not a parameter/, undefined],
      ];
      for (const [body, message, requestId] of bad) {
        const response = await ask(pns, ticket, body).expect(400);
        expect(response.body).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(message) }, ...(requestId === undefined ? {} : { requestId }) });
      }
      expect(await unseenCount(pns, user)).toBe(1);
    });

    it('refuses a body over 64 KiB, as the WebSocket refuses such a frame', async () => {
      const ticket = await registerTicket(pns, newUser());
      const frame = JSON.stringify({ unseenNotificationDataRequest: {}, requestId: 'x'.repeat(64 * 1024) });
      const response = await ask(pns, ticket, frame).expect(413);
      expect(response.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: expect.any(String) });
    });
  });

  it('is described at /docs-json', async () => {
    const { body } = await request(pns.baseUrl).get('/docs-json').expect(200);
    expect(Object.keys(body.paths['/subscribe'].get.responses['200'].content)).toEqual(['text/event-stream']);
    expect(body.paths['/subscribe/requests'].post.responses).toHaveProperty('400');
  });

  describe('authentication, as for WebSockets', () => {
    let delegate: FakeDelegate;
    let delegated: RunningApp;

    beforeAll(async () => {
      delegate = await FakeDelegate.start();
      delegated = await startApp(databaseUrl, { AUTH_DELEGATE_URL: delegate.url, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
    });
    afterAll(async () => {
      await delegated.close();
      await delegate.close();
    });

    it('refuses no ticket and an unknown ticket with 401 and the error body, before any event', async () => {
      for (const path of ['/subscribe', '/subscribe?connectionId=never-registered']) {
        expect(await refusal(SseDevice.open(pns.baseUrl, { path }))).toEqual({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: expect.any(String) } });
        const response = await request(pns.baseUrl).post(path.replace('/subscribe', '/subscribe/requests')).send('"unseenNotificationDataRequest"').expect(401);
        expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
      }
    });

    it('refuses an Origin outside ALLOWED_ORIGINS with 403, and serves an allowed one', async () => {
      const user = newUser();
      const ticket = await registerTicket(delegated, user);
      const path = `/subscribe?connectionId=${ticket}`;
      expect((await refusal(SseDevice.open(delegated.baseUrl, { path, headers: { Origin: 'https://evil.example' } }))).status).toBe(403);
      await request(delegated.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).set('Origin', 'https://evil.example').send('"unseenNotificationDataRequest"').expect(403);

      const device = await SseDevice.open(delegated.baseUrl, { path, headers: { Origin: ALLOWED_ORIGIN } });
      streams.push(device);
      expect(await device.nextEvent(() => true, { since: 0 })).toMatchObject({ event: 'newNotificationCountChanged', data: 0 });
    });

    it("accepts the application's delegation with the browser's cookies, for the stream and for requests", async () => {
      const user = newUser();
      await postNotification(delegated, user, 'for the cookie holder');
      delegate.accept(user);
      const headers = { Cookie: 'session=abc123', Origin: ALLOWED_ORIGIN };
      const device = await SseDevice.open(delegated.baseUrl, { headers });
      streams.push(device);
      expect(await device.nextEvent(() => true, { since: 0 })).toMatchObject({ data: 1 });
      expect(delegate.lastRequest?.headers.cookie).toBe('session=abc123');

      const response = await request(delegated.baseUrl).post('/subscribe/requests').set(headers).send('"unseenNotificationDataRequest"').expect(200);
      expect((response.body.newNotificationData as Frame[]).map((item) => item.notification_data)).toEqual(['for the cookie holder']);
      await device.waitForCount(0);

      delegate.answerWith({ status: 403 });
      expect((await refusal(SseDevice.open(delegated.baseUrl, { headers }))).status).toBe(401);
      await request(delegated.baseUrl).post('/subscribe/requests').set(headers).send('"unseenNotificationDataRequest"').expect(401);
    });
  });
});
