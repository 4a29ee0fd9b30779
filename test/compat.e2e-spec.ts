import pg from 'pg';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase, databaseNow } from './support/database';
import { Device, UpgradeRefused, type Frame } from './support/device';
import { connectCounted, postNotification, registerTicket, unseenCount } from './support/devices';
import { asEvent, connectEventStream, eventsOf, storedNotifications, waitForEvents } from './support/event-streams';
import { newUser } from './support/factories';
import { clockPasses } from './support/waiters';

const HEARTBEAT_MS = 300;

/** The routes and the event stream of notification-socket.io and the ernius notifier (docs/migrating.md). */
describe('compatibility with the earlier servers', () => {
  let databaseUrl: string;
  let a: RunningApp;
  let b: RunningApp;
  const devices: Device[] = [];
  const track = <T extends Device>(device: T): T => {
    devices.push(device);
    return device;
  };
  const push = (userId: string, body: unknown) => request(a.baseUrl).post(`/api/${encodeURIComponent(userId)}/push`).set(auth).send(body as object);
  const pushEvents = (body: unknown) => request(a.baseUrl).post('/push_events').set(auth).send(body as object);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    [a, b] = await Promise.all([startApp(databaseUrl, { HEARTBEAT_INTERVAL: `${HEARTBEAT_MS}ms` }), startApp(databaseUrl)]);
  });
  afterEach(() => devices.splice(0).forEach((device) => device.close()));
  afterAll(() => Promise.all([a.close(), b.close()]));

  /** Waits until what is created next is stamped a later millisecond than `instant` (ISO, as the API answers it). */
  const clockPassesStored = (instant: string) => clockPasses(new Date(instant), () => databaseNow(databaseUrl));

  it('describes its routes at /docs-json', async () => {
    const { body } = await request(a.baseUrl).get('/docs-json').expect(200);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/{userId}/push', '/push_events', '/drop_user']));
  });

  describe('POST /api/:userId/push', () => {
    it('answers 200 with an empty body, stores message as the data, and pushes the count to the user’s devices', async () => {
      const user = newUser();
      const device = track(await connectCounted(a, user));
      const response = await push(user, { message: { title: 'Title', body: 'Body', params: {} } }).expect(200);
      expect(response.text).toBe('');
      await device.waitForCount(1);
      expect((await storedNotifications(a, user)).map((n) => n.data)).toEqual([{ title: 'Title', body: 'Body', params: {} }]);
    });

    it('stores a push to a user with no device connected (the old server dropped it), any JSON message, keys such as __proto__ kept', async () => {
      const user = newUser();
      await push(user, { message: 'plain text' }).expect(200);
      await push(user, { message: null }).expect(200);
      await request(a.baseUrl).post(`/api/${user}/push`).set(auth).set('Content-Type', 'application/json').send('{"message": {"__proto__": {"x": 1}, "constructor": 2}}').expect(200);
      expect((await storedNotifications(a, user)).map((n) => n.data)).toEqual(['plain text', null, { ['__proto__']: { x: 1 }, constructor: 2 }]);
    });

    it.each([
      ['no message', { text: 'hi' }],
      ['an array body', [{ message: 1 }]],
      ['a string body', '"message"'],
    ])('answers 400 to %s and stores nothing', async (_case, body) => {
      const user = newUser();
      const response = await push(user, body).set('Content-Type', 'application/json').expect(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('message') });
      expect(await unseenCount(a, user)).toBe(0);
    });

    it('answers 400 to a user id with a control character', async () => {
      await push('bad\u0007user', { message: 1 }).expect(400);
    });

    it('answers 413 to a message over MAX_NOTIFICATION_BYTES', async () => {
      const user = newUser();
      await push(user, { message: 'x'.repeat(20_000) }).expect(413);
      expect(await unseenCount(a, user)).toBe(0);
    });
  });

  describe('the app token', () => {
    it.each([
      ['POST /api/:userId/push', (user: string) => request(a.baseUrl).post(`/api/${user}/push`).send({ message: 1 })],
      ['POST /push_events', (user: string) => request(a.baseUrl).post('/push_events').send([{ accessid: user, created_at: 1, payload: 1 }])],
      ['POST /drop_user', (user: string) => request(a.baseUrl).post('/drop_user').send({ drop_access_id: user })],
    ])('%s without a token, or with a wrong one, answers 401 and changes nothing', async (_route, call) => {
      const user = newUser();
      const device = track(await connectCounted(a, user));
      await call(user).expect(401);
      await call(user).set('X-Auth-Token', 'wrong').expect(401);
      // A notification of the token's holder goes the way a wrongly accepted push or drop would have gone before it.
      await postNotification(a, user, 'with the token');
      await device.waitForCount(1);
      expect(await unseenCount(a, user)).toBe(1);
      expect(device.closeCode).toBeUndefined();
    });

    it('accepts X-AUTH-TOKEN (as the old servers’ backends send it) and Bearer', async () => {
      const user = newUser();
      await request(a.baseUrl).post(`/api/${user}/push`).set('X-AUTH-TOKEN', 'test-app-token').send({ message: 1 }).expect(200);
      await request(a.baseUrl).post('/push_events').set('Authorization', 'Bearer test-app-token').send([{ accessid: user, created_at: 5, payload: 2 }]).expect(200);
      expect(await unseenCount(a, user)).toBe(2);
    });
  });

  describe('POST /push_events', () => {
    it('answers true and stores each event for its accessid with the payload as data, in the order given', async () => {
      const [first, second] = [newUser('client1'), newUser('client2')];
      const deviceOfSecond = track(await connectCounted(b, second));
      const response = await pushEvents([
        { accessid: first, created_at: 10, payload: 'client1 message' },
        { accessid: second, created_at: 20, payload: { n: 1 } },
        { accessid: first, created_at: 30, payload: ['two'] },
      ]).expect(200);
      expect(response.text).toBe('true');
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect((await storedNotifications(a, first)).map((n) => n.data)).toEqual(['client1 message', ['two']]);
      expect((await storedNotifications(a, second)).map((n) => n.data)).toEqual([{ n: 1 }]);
      await deviceOfSecond.waitForCount(1);
    });

    it('answers true to an empty list', async () => {
      expect((await pushEvents([]).expect(200)).text).toBe('true');
    });

    const good = (user: string) => ({ accessid: user, created_at: 1_700_000_000_000, payload: 'ok' });
    it.each([
      ['a missing accessid', (user: string) => [good(user), { created_at: 1, payload: 'x' }]],
      ['a control character in accessid', (user: string) => [good(user), { accessid: 'a\nb', created_at: 1, payload: 'x' }]],
      ['created_at as a string', (user: string) => [good(user), { accessid: user, created_at: '10', payload: 'x' }]],
      ['a negative created_at', (user: string) => [good(user), { accessid: user, created_at: -1, payload: 'x' }]],
      ['a fractional created_at', (user: string) => [good(user), { accessid: user, created_at: 1.5, payload: 'x' }]],
      ['a missing created_at', (user: string) => [good(user), { accessid: user, payload: 'x' }]],
      ['a missing payload', (user: string) => [good(user), { accessid: user, created_at: 1 }]],
      ['an event that is not an object', (user: string) => [good(user), 'event']],
      ['a body that is not an array', (user: string) => good(user)],
    ])('answers 400 to %s and stores none of the events', async (_case, body) => {
      const user = newUser();
      const response = await pushEvents(body(user)).expect(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
      expect(await unseenCount(a, user)).toBe(0);
    });

    it('answers 413 when one payload is too large, and stores none of the events', async () => {
      const user = newUser();
      await pushEvents([good(user), { accessid: user, created_at: 1, payload: 'x'.repeat(20_000) }]).expect(413);
      expect(await unseenCount(a, user)).toBe(0);
    });

    it('stores a notification’s created_at as when pns stored it, not the event’s created_at', async () => {
      const user = newUser();
      const before = Date.now();
      await pushEvents([{ accessid: user, created_at: 10, payload: 'old?' }]).expect(200);
      const [stored] = await storedNotifications(a, user);
      expect(Date.parse(stored.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    });
  });

  describe('POST /drop_user', () => {
    it('answers true and closes the user’s /subscribe and /subscribe_to_events sockets on every instance, and no one else’s', async () => {
      const [user, other] = [newUser(), newUser()];
      const dropped = [
        track(await connectCounted(a, user)),
        track(await connectCounted(b, user)),
        track(await connectEventStream(a, user, { timestamp: 0 })),
        track(await connectEventStream(b, user, { timestamp: 0 })),
        // Not subscribed yet: dropped all the same.
        track(await connectEventStream(b, user)),
      ];
      const kept = [track(await connectCounted(b, other)), track(await connectEventStream(b, other, { timestamp: 0 }))];

      const response = await request(a.baseUrl).post('/drop_user').set(auth).send({ drop_access_id: user }).expect(200);
      expect(response.text).toBe('true');
      expect(await Promise.all(dropped.map((device) => device.waitForClose()))).toEqual([4001, 4001, 4001, 4001, 4001]);

      await postNotification(a, other, 'still here');
      await kept[0].waitForCount(1);
      expect((await waitForEvents(kept[1], 1)).map((event) => event.payload)).toEqual(['still here']);
    });

    it('DELETE /api/users/:userId/connections counts the event-stream sockets too', async () => {
      const user = newUser();
      const sockets = [track(await connectCounted(a, user)), track(await connectEventStream(b, user, { timestamp: 0 }))];
      await request(a.baseUrl).delete(`/api/users/${user}/connections`).set(auth).expect(200, { dropped: 2 });
      expect(await Promise.all(sockets.map((device) => device.waitForClose()))).toEqual([4001, 4001]);
    });

    it.each([
      ['no drop_access_id', {}],
      ['a number', { drop_access_id: 7 }],
      ['an array body', [{ drop_access_id: 'u' }]],
    ])('answers 400 to %s', async (_case, body) => {
      await request(a.baseUrl).post('/drop_user').set(auth).send(body).expect(400);
    });
  });

  describe('notificationDataRequest on /subscribe', () => {
    it('without receivedAfter (absent or empty): the unseen ones, newest first, now seen; every device hears 0', async () => {
      const user = newUser();
      await postNotification(a, user, 'seen before');
      const device = track(await connectCounted(a, user));
      await device.request({ unseenNotificationDataRequest: {} });
      await postNotification(a, user, 'one');
      await postNotification(a, user, 'two');
      const other = track(await connectCounted(b, user));
      expect(other.lastCount).toBe(2);

      const answer = await device.request({ notificationDataRequest: {} });
      expect((answer.notificationData as Frame[]).map((item) => item.notification_data)).toEqual(['two', 'one']);
      expect(answer.notificationData).toEqual([
        { id: expect.any(String), notification_data: 'two', create_date: expect.any(String), seen_date: expect.any(String) },
        expect.objectContaining({ notification_data: 'one' }),
      ]);
      await other.waitForCount(0);
      await postNotification(a, user, 'three');
      const empty = await device.request({ notificationDataRequest: { receivedAfter: '' } });
      expect((empty.notificationData as Frame[]).map((item) => item.notification_data)).toEqual(['three']);
    });

    it('with receivedAfter: seen and unseen notifications created after it, newest first, the unseen ones now seen', async () => {
      const user = newUser();
      await postNotification(a, user, 'too old');
      const [tooOld] = await storedNotifications(a, user);
      // created_at has microseconds, the API answers milliseconds: one more is after it.
      const after = new Date(Date.parse(tooOld.createdAt) + 1).toISOString();
      await clockPassesStored(after);
      await postNotification(a, user, 'seen');
      const device = track(await connectCounted(a, user));
      await device.request({ unseenNotificationDataRequest: { limit: 1 } });
      await postNotification(a, user, 'unseen');
      await device.waitForCount(2);

      const answer = await device.request({ notificationDataRequest: { receivedAfter: after } });
      const items = answer.notificationData as Frame[];
      expect(items.map((item) => item.notification_data)).toEqual(['unseen', 'seen']);
      expect(items.every((item) => typeof item.seen_date === 'string')).toBe(true);
      await device.waitForCount(1);
      expect(await unseenCount(a, user)).toBe(1);
    });

    it('works the same for a device on Server-Sent Events, through POST /subscribe/requests', async () => {
      const user = newUser();
      await postNotification(a, user, 'over sse');
      const ticket = await registerTicket(a, user);
      const response = await request(a.baseUrl)
        .post('/subscribe/requests')
        .query({ connectionId: ticket })
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ notificationDataRequest: {}, requestId: 7 }))
        .expect(200);
      expect(response.body).toEqual({ notificationData: [expect.objectContaining({ notification_data: 'over sse', seen_date: expect.any(String) })], requestId: 7 });
      expect(await unseenCount(a, user)).toBe(0);
    });

    it('answers bad_request to a receivedAfter that is not a date, or an unknown parameter', async () => {
      const device = track(await connectCounted(a, newUser()));
      expect((await device.request({ notificationDataRequest: { receivedAfter: 'yesterday' } })).error).toEqual({ code: 'bad_request', message: expect.stringContaining('receivedAfter') });
      expect((await device.request({ notificationDataRequest: { since: 1 } })).error).toEqual({ code: 'bad_request', message: expect.stringContaining('since') });
    });
  });

  describe('WebSocket /subscribe_to_events', () => {
    it('refuses an upgrade without a ticket, or with an unknown one, with 401 and opens no socket', async () => {
      for (const path of ['/subscribe_to_events', '/subscribe_to_events?connectionId=unknown']) {
        const refusal = await Device.connect(a.wsUrl, { path }).catch((error: unknown) => error);
        expect(refusal).toBeInstanceOf(UpgradeRefused);
        expect((refusal as UpgradeRefused).status).toBe(401);
      }
    });

    it('replays the stored notifications created at or after the timestamp, in creation order, then each new one', async () => {
      const user = newUser();
      await push(user, { message: 'before' }).expect(200);
      await clockPassesStored((await storedNotifications(a, user))[0].createdAt);
      await push(user, { message: 'first' }).expect(200);
      await pushEvents([{ accessid: user, created_at: 1, payload: { second: true } }]).expect(200);
      const stored = await storedNotifications(a, user);
      const from = Date.parse(stored[1].createdAt);

      const device = track(await connectEventStream(b, user, { timestamp: from }));
      expect(await waitForEvents(device, 2)).toEqual(stored.slice(1).map((n) => asEvent(user, n)));

      await postNotification(a, user, 'live');
      const events = await waitForEvents(device, 3);
      expect(events[2]).toEqual(asEvent(user, (await storedNotifications(a, user))[3]));
      // Sent in creation order: a repeat of any of the first three would come before this one.
      await postNotification(a, user, 'last');
      expect((await waitForEvents(device, 4)).map((event) => event.payload)).toEqual(['first', { second: true }, 'live', 'last']);
    });

    it('sends nothing for a user without notifications, then the new ones', async () => {
      const user = newUser();
      const device = track(await connectEventStream(a, user, { timestamp: 0 }));
      await push(user, { message: 'hello' }).expect(200);
      await waitForEvents(device, 1);
      // Not even an empty array before it.
      expect(device.frames).toEqual([[expect.objectContaining({ payload: 'hello' })]]);
    });

    it('closes with 1008 when access_id is not the authenticated user, before sending anything', async () => {
      const [user, victim] = [newUser(), newUser()];
      await push(victim, { message: 'secret' }).expect(200);
      const device = track(await connectEventStream(a, user, { accessId: victim, timestamp: 0 }));
      expect(await device.waitForClose()).toBe(1008);
      expect(device.frames).toEqual([]);
    });

    it.each([
      ['not JSON', 'hello'],
      ['a JSON array', '[1]'],
      ['no timestamp', JSON.stringify({ access_id: 'USER' })],
      ['a string timestamp', JSON.stringify({ access_id: 'USER', timestamp: '200' })],
      ['a negative timestamp', JSON.stringify({ access_id: 'USER', timestamp: -1 })],
      ['no access_id', JSON.stringify({ timestamp: 0 })],
    ])('closes with 1008 on a first frame that is %s', async (_case, frame) => {
      const user = newUser();
      await push(user, { message: 'x' }).expect(200);
      const device = track(await connectEventStream(a, user));
      device.send(frame.replace('USER', user));
      expect(await device.waitForClose()).toBe(1008);
      expect(device.frames).toEqual([]);
    });

    it('ignores frames after the first', async () => {
      const user = newUser();
      const device = track(await connectEventStream(a, user, { timestamp: 0 }));
      device.send('"unseenNotificationDataRequest"');
      device.send({ access_id: 'someone else', timestamp: 0 });
      await push(user, { message: 'after' }).expect(200);
      expect((await waitForEvents(device, 1)).map((event) => event.payload)).toEqual(['after']);
      expect(device.closeCode).toBeUndefined();
    });

    it('terminates a socket that does not answer the heartbeat', async () => {
      const device = track(await connectEventStream(a, newUser(), { timestamp: 0, autoPong: false }));
      expect(await device.waitForClose()).toBe(1006);
    });

    it('gets no count frames', async () => {
      const user = newUser();
      const device = track(await connectEventStream(a, user, { timestamp: 0 }));
      const counted = track(await connectCounted(a, user));
      await push(user, { message: 1 }).expect(200);
      await waitForEvents(device, 1);
      // The count went to every socket of the user here before the next push: a count frame on the
      // stream's socket would arrive before the next event on it.
      await counted.waitForCount(1);
      await push(user, { message: 2 }).expect(200);
      await waitForEvents(device, 2);
      expect(device.frames).toEqual([[expect.objectContaining({ payload: 1 })], [expect.objectContaining({ payload: 2 })]]);
    });
  });

  describe('a notification committed after a later-created one was already visible', () => {
    let client: pg.Client;
    beforeEach(async () => {
      client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
    });
    afterEach(() => client.end());

    /** Opens the transaction whose start time the row inserted later in it gets as created_at. */
    const begin = async () => {
      await client.query('BEGIN');
      // The notifications pushed next must be created later than the row it will insert.
      const {
        rows: [{ started }],
      } = await client.query<{ started: Date }>('SELECT now() AS started');
      await clockPasses(started, () => databaseNow(databaseUrl));
    };

    /**
     * Inserts a row in the open transaction: created before the rows committed since it began, it
     * becomes visible only at COMMIT. Inserted after them, because it locks the user's inbox row
     * (the version) to the commit: the user's later inserts would wait for it.
     */
    const insertUncommitted = (userId: string, data: unknown) =>
      client.query('INSERT INTO notifications (user_id, data) VALUES ($1, $2::jsonb)', [userId, JSON.stringify(data)]);

    it('is still sent, once, and in creation order: later ones wait for it while it is open', async () => {
      const user = newUser();
      const device = track(await connectEventStream(a, user, { timestamp: 0 }));
      const counted = track(await connectCounted(a, user));
      await begin();
      await push(user, { message: 'fast 1' }).expect(200);
      await push(user, { message: 'fast 2' }).expect(200);
      await insertUncommitted(user, 'slow');
      // The announcement that pokes the stream has reached this instance (the exact hold is shown
      // in src/realtime/notifier/event-stream.db-spec.ts, which sees the stream's reads).
      await counted.waitForCount(2);
      // "After the last one sent" would have sent the fast ones already and skipped "slow" once it commits.
      expect(eventsOf(device)).toEqual([]);
      await client.query('COMMIT');

      const events = await waitForEvents(device, 3);
      expect(events.map((event) => event.payload)).toEqual(['slow', 'fast 1', 'fast 2']);
      expect(events).toEqual((await storedNotifications(a, user)).map((n) => asEvent(user, n)));
      // Sent in creation order: a repeat of any of the three would come before this one.
      await push(user, { message: 'last' }).expect(200);
      expect((await waitForEvents(device, 4)).map((event) => event.payload)).toEqual(['slow', 'fast 1', 'fast 2', 'last']);
    });

    it('does not stall delivery behind a transaction left open: past 2 s the later ones go out, and the late one once, when it comes', async () => {
      const user = newUser();
      const device = track(await connectEventStream(a, user, { timestamp: 0 }));
      await begin();
      await push(user, { message: 'fast' }).expect(200);
      await insertUncommitted(user, 'very slow');
      expect((await waitForEvents(device, 1)).map((event) => event.payload)).toEqual(['fast']);
      await client.query('COMMIT');
      await push(user, { message: 'after' }).expect(200);

      const events = await waitForEvents(device, 3);
      expect(events.map((event) => event.payload)).toEqual(['fast', 'very slow', 'after']);
      // Sent in creation order from here on: a repeat would come before this one.
      await push(user, { message: 'last' }).expect(200);
      expect((await waitForEvents(device, 4)).map((event) => event.payload)).toEqual(['fast', 'very slow', 'after', 'last']);
    });
  });
});
