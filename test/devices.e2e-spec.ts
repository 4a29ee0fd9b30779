import request from 'supertest';
import WebSocket from 'ws';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import type { Device, Frame } from './support/device';
import { connectCounted, connectDevice, postNotification, unseenCount } from './support/devices';
import { newUser } from './support/factories';
import { pollUntil } from './support/waiters';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEARTBEAT_MS = 200;

describe('device connections (docs/protocol.md)', () => {
  let pns: RunningApp;
  const devices: Device[] = [];
  const connect = async (userId: string, options?: { autoPong?: boolean }) => {
    const device = await connectCounted(pns, userId, options);
    devices.push(device);
    return device;
  };

  beforeAll(async () => {
    pns = await startApp(await createTestDatabase(), { HEARTBEAT_INTERVAL: `${HEARTBEAT_MS}ms` });
  });
  afterEach(() => devices.splice(0).forEach((device) => device.close()));
  afterAll(() => pns.close());

  it('sends the count stored in the database, with the inbox version it is as of, as the first frame', async () => {
    const user = newUser();
    for (const n of [1, 2, 3]) await postNotification(pns, user, { n });
    const device = await connectDevice(pns, user);
    devices.push(device);
    expect(await device.nextFrame(() => true, { since: 0 })).toEqual({ newNotificationCountChanged: 3, version: 3 });
    expect(device.frames[0]).toEqual({ newNotificationCountChanged: 3, version: 3 });
  });

  it("pushes a user's new count to each of its devices and to no one else's", async () => {
    const [userA, userB] = [newUser('a'), newUser('b')];
    const devicesOfA = [await connect(userA), await connect(userA), await connect(userA)];
    const deviceOfB = await connect(userB);
    expect([...devicesOfA, deviceOfB].map((device) => device.lastCount)).toEqual([0, 0, 0, 0]);

    await postNotification(pns, userA, { hello: 'a' });
    await Promise.all(devicesOfA.map((device) => device.waitForCount(1)));
    // Announced after A's: a frame for B caused by A's notification would come before this one.
    await postNotification(pns, userB, { hello: 'b' });
    await deviceOfB.waitForCount(1);
    expect(deviceOfB.frames).toEqual([
      { newNotificationCountChanged: 0, version: 0 },
      { newNotificationCountChanged: 1, version: 1 },
    ]);
  });

  describe('unseenNotificationDataRequest', () => {
    it('answers the unseen notifications newest first, marks them seen, and sets every device to 0', async () => {
      const user = newUser();
      const ids = [
        await postNotification(pns, user, { n: 1 }),
        await postNotification(pns, user, ['two', 2], 'billing'),
        await postNotification(pns, user, 'three'),
      ];
      const userDevices = [await connect(user), await connect(user), await connect(user)];
      expect(userDevices.map((device) => device.lastCount)).toEqual([3, 3, 3]);

      const answer = await userDevices[0].request({ unseenNotificationDataRequest: {} });
      const items = answer.newNotificationData as Frame[];
      expect(items.map((item) => item.id)).toEqual([...ids].reverse());
      expect(items.map((item) => item.notification_data)).toEqual(['three', ['two', 2], { n: 1 }]);
      expect(items[1].category).toBe('billing');
      expect(items[0]).not.toHaveProperty('category');
      for (const item of items) {
        expect(item.create_date).toMatch(ISO_DATE);
        expect(item.seen_date).toMatch(ISO_DATE);
        expect(Date.parse(item.seen_date as string)).toBeGreaterThanOrEqual(Date.parse(item.create_date as string));
      }

      await Promise.all(userDevices.map((device) => device.waitForCount(0)));
      expect(await unseenCount(pns, user)).toBe(0);
      expect((await userDevices[1].request({ unseenNotificationDataRequest: {} })).newNotificationData).toEqual([]);
    });

    it('echoes a numeric requestId, and accepts the bare string form (without one)', async () => {
      const user = newUser();
      await postNotification(pns, user, 'x');
      const device = await connect(user);
      let since = device.frames.length;
      device.send({ unseenNotificationDataRequest: { limit: 5 }, requestId: 42 });
      expect(await device.nextFrame((frame) => 'newNotificationData' in frame, { since })).toEqual({
        newNotificationData: [expect.objectContaining({ notification_data: 'x' })],
        requestId: 42,
      });

      await postNotification(pns, user, 'y');
      await device.waitForCount(1);
      since = device.frames.length;
      device.send('"unseenNotificationDataRequest"');
      expect(await device.nextFrame((frame) => 'newNotificationData' in frame, { since })).toEqual({
        newNotificationData: [expect.objectContaining({ notification_data: 'y' })],
      });
    });

    it('returns at most `limit`, the newest, and leaves the rest unseen', async () => {
      const user = newUser();
      for (const n of [1, 2, 3, 4, 5]) await postNotification(pns, user, n);
      const device = await connect(user);

      const first = await device.request({ unseenNotificationDataRequest: { limit: 2 } });
      expect((first.newNotificationData as Frame[]).map((item) => item.notification_data)).toEqual([5, 4]);
      await device.waitForCount(3);
      const rest = await device.request({ unseenNotificationDataRequest: {} });
      expect((rest.newNotificationData as Frame[]).map((item) => item.notification_data)).toEqual([3, 2, 1]);
      await device.waitForCount(0);
    });
  });

  it('seenNotificationsRequest answers the seen notifications created after receivedAfter, newest first', async () => {
    const user = newUser();
    for (const n of [1, 2, 3, 4]) await postNotification(pns, user, n);
    const device = await connect(user);
    const seen = (await device.request({ unseenNotificationDataRequest: {} })).newNotificationData as Frame[];
    expect(seen.map((item) => item.notification_data)).toEqual([4, 3, 2, 1]);
    // Created after receivedAfter but unseen: not an answer to this request.
    await postNotification(pns, user, 'unseen');

    const receivedAfter = seen[3].create_date;
    const answer = await device.request({ seenNotificationsRequest: { receivedAfter } });
    const items = answer.seenNotificationData as Frame[];
    expect(items.map((item) => item.notification_data)).toEqual([4, 3, 2]);
    expect(items.map((item) => item.seen_date)).toEqual(seen.slice(0, 3).map((item) => item.seen_date));

    const limited = await device.request({ seenNotificationsRequest: { receivedAfter, limit: 2 } });
    expect((limited.seenNotificationData as Frame[]).map((item) => item.notification_data)).toEqual([4, 3]);
    const future = await device.request({ seenNotificationsRequest: { receivedAfter: '2999-01-01T00:00:00Z' } });
    expect(future.seenNotificationData).toEqual([]);
  });

  it('answers each bad frame with a bad_request error, keeps the connection open and changes nothing', async () => {
    const user = newUser();
    await postNotification(pns, user, 1);
    await postNotification(pns, user, 2);
    const device = await connect(user);
    const badFrames: [string, RegExp][] = [
      ['{not json', /not JSON/],
      ['"unseenNotificationDataReqest"', /unknown request/],
      ['["unseenNotificationDataRequest"]', /expected a request object/],
      ['7', /expected a request object/],
      ['{"deleteAll": {}, "requestId": "bad-1"}', /unknown request "deleteAll"/],
      ['{"unseenNotificationDataRequest": {"limit": 0}, "requestId": "bad-2"}', /limit must be an integer from 1 to 500/],
      ['{"unseenNotificationDataRequest": {"limit": 501}}', /limit must be an integer from 1 to 500/],
      ['{"unseenNotificationDataRequest": {"limit": "x"}}', /limit must be an integer from 1 to 500/],
      ['{"seenNotificationsRequest": {"receivedAfter": "last tuesday"}, "requestId": 3}', /receivedAfter must be an ISO-8601/],
      ['{"seenNotificationsRequest": {"limit": 3}}', /receivedAfter must be an ISO-8601/],
      ['{"unseenNotificationDataRequest": {}, "seenNotificationsRequest": {}}', /exactly one request/],
    ];
    for (const [text, message] of badFrames) {
      const since = device.frames.length;
      device.send(text);
      const answer = await device.nextFrame((frame) => 'error' in frame, { since });
      expect(answer.error).toEqual({ code: 'bad_request', message: expect.stringMatching(message) });
      const sentId = (JSON.parse(text.startsWith('{not') ? '{}' : text) as { requestId?: unknown }).requestId;
      expect(answer.requestId).toEqual(sentId);
    }

    expect(device.socket.readyState).toBe(WebSocket.OPEN);
    expect(device.closeCode).toBeUndefined();
    expect(await unseenCount(pns, user)).toBe(2);
    expect(device.frames.filter((frame) => 'newNotificationCountChanged' in frame)).toEqual([{ newNotificationCountChanged: 2, version: expect.any(Number) }]);
    // Still served after all that.
    const answer = await device.request({ unseenNotificationDataRequest: {} });
    expect((answer.newNotificationData as Frame[]).map((item) => item.notification_data)).toEqual([2, 1]);
  });

  it('accepts a frame of 64 KiB and closes the connection with 1009 on a bigger one', async () => {
    const device = await connect(newUser());
    const frameOf = (bytes: number) => {
      const empty = JSON.stringify({ unseenNotificationDataRequest: {}, requestId: '' });
      return JSON.stringify({ unseenNotificationDataRequest: {}, requestId: 'x'.repeat(bytes - empty.length) });
    };
    expect(Buffer.byteLength(frameOf(64 * 1024))).toBe(64 * 1024);

    const since = device.frames.length;
    device.send(frameOf(64 * 1024));
    expect(await device.nextFrame((frame) => 'newNotificationData' in frame, { since })).toMatchObject({ newNotificationData: [] });
    device.send(frameOf(64 * 1024 + 1));
    expect(await device.waitForClose()).toBe(1009);
  });

  it('terminates a device that does not answer pings, and keeps one that does', async () => {
    const user = newUser();
    const silent = await connect(user, { autoPong: false });
    const answering = await connect(user);
    const started = Date.now();
    await silent.waitForClose();
    // Pinged at the first tick, found unanswered at the second: well before any other timeout.
    expect(Date.now() - started).toBeLessThan(25 * HEARTBEAT_MS);
    // Another silent device is closed only after two more ticks, which pinged the answering one too.
    const later = await connect(user, { autoPong: false });
    await later.waitForClose();
    expect(answering.closeCode).toBeUndefined();
    await postNotification(pns, user, 'after');
    await answering.waitForCount(1);
  });

  describe('DELETE /api/users/:userId/connections', () => {
    it("closes every device of the user with 4001, answers how many, and leaves other users' devices open", async () => {
      const [user, other] = [newUser('drop ü'), newUser()];
      const dropped = [await connect(user), await connect(user)];
      const kept = await connect(other);

      const response = await request(pns.baseUrl).delete(`/api/users/${encodeURIComponent(user)}/connections`).set(auth).expect(200);
      expect(response.body).toEqual({ dropped: 2 });
      expect(await Promise.all(dropped.map((device) => device.waitForClose()))).toEqual([4001, 4001]);

      await postNotification(pns, other, 'still here');
      await kept.waitForCount(1);
      expect(kept.closeCode).toBeUndefined();
      await request(pns.baseUrl).delete(`/api/users/${encodeURIComponent(user)}/connections`).set(auth).expect(200, { dropped: 0 });
    });

    it('needs the app token, and drops nothing without it', async () => {
      const user = newUser();
      const device = await connect(user);
      await request(pns.baseUrl).delete(`/api/users/${user}/connections`).expect(401);
      await request(pns.baseUrl).delete(`/api/users/${user}/connections`).set('X-Auth-Token', 'wrong').expect(401);
      // Announced on the same bus as a drop, after it: a drop would have closed the device first.
      await postNotification(pns, user, 'after');
      await device.waitForCount(1);
      expect(device.closeCode).toBeUndefined();
    });
  });

  it('reports the open device connections and the frames sent in /metrics', async () => {
    const own = await startApp(await createTestDatabase());
    const metric = async (line: RegExp) => Number(line.exec((await request(own.baseUrl).get('/metrics').expect(200)).text)?.[1]);
    const connectedDevices = () => metric(/^pns_connected_devices\{transport="websocket"\} (\d+)$/m);
    try {
      const user = newUser();
      const [first, second] = [await connectCounted(own, user), await connectCounted(own, user)];
      expect(await connectedDevices()).toBe(2);
      expect(await metric(/^pns_frames_sent_total\{type="newNotificationCountChanged"\} (\d+)$/m)).toBeGreaterThanOrEqual(2);
      first.close();
      await first.waitForClose();
      expect(await pollUntil(connectedDevices, (count) => count <= 1, 'the closed device uncounted')).toBe(1);
      second.close();
    } finally {
      await own.close();
    }
  });

  it('closes its devices with 1001 when the server shuts down, so they reconnect elsewhere', async () => {
    const stopping = await startApp(await createTestDatabase());
    const device = await connectCounted(stopping, newUser());
    await stopping.close();
    expect(await device.waitForClose()).toBe(1001);
  });
});
