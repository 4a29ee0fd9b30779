import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import request from 'supertest';
import { Bus } from '../src/bus/bus';
import { PreferencesService } from '../src/preferences/preferences.service';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { DatabaseClient } from './support/database-client';
import { Device, type Frame } from './support/device';
import { registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { SseDevice } from './support/sse-device';

let databaseUrl: string;
let pns: RunningApp;
/** A second instance on the same database: devices connected there hear changes made here. */
let other: RunningApp;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  [pns, other] = await Promise.all([startApp(databaseUrl), startApp(databaseUrl)]);
});
afterAll(() => Promise.all([pns.close(), other.close()]));

const path = (userId: string) => `/api/users/${encodeURIComponent(userId)}/preferences`;

const nightOwl = {
  default: { inbox: true, push: false },
  categories: { marketing: { inbox: false }, security: { push: true } },
  quietHours: { timeZone: 'Europe/Berlin', from: '22:00', to: '07:00' },
};

describe('preferences over REST', () => {
  it('answers the defaults for a user who never set any', async () => {
    const response = await request(pns.baseUrl).get(path(newUser())).set(auth).expect(200);
    expect(response.body).toEqual({ default: { inbox: true, push: true }, categories: {}, quietHours: null });
  });

  it('stores what is put, whole, and answers it', async () => {
    const userId = newUser('ü ser/1');
    expect((await request(pns.baseUrl).put(path(userId)).set(auth).send(nightOwl).expect(200)).body).toEqual(nightOwl);
    expect((await request(pns.baseUrl).get(path(userId)).set(auth).expect(200)).body).toEqual(nightOwl);

    // A PUT replaces everything: what it omits is back to its default.
    await request(pns.baseUrl).put(path(userId)).set(auth).send({ categories: { orders: { push: false } } }).expect(200);
    expect((await request(pns.baseUrl).get(path(userId)).set(auth).expect(200)).body).toEqual({ default: { inbox: true, push: true }, categories: { orders: { push: false } }, quietHours: null });
  });

  it.each([
    ['an unknown field', { ...nightOwl, vacation: true }],
    ['a bad time zone', { quietHours: { timeZone: 'Europe/Atlantis', from: '22:00', to: '07:00' } }],
    ['a bad time', { quietHours: { timeZone: 'Europe/Berlin', from: '25:00', to: '07:00' } }],
    ['a switch that is not boolean', { default: { inbox: 'yes' } }],
    ['a list', [nightOwl]],
  ])('refuses %s with 400 and changes nothing', async (_case, body) => {
    const userId = newUser();
    await request(pns.baseUrl).put(path(userId)).set(auth).send(nightOwl).expect(200);
    const response = await request(pns.baseUrl).put(path(userId)).set(auth).send(body as object).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    expect((await request(pns.baseUrl).get(path(userId)).set(auth).expect(200)).body).toEqual(nightOwl);
  });

  it('needs the app token', async () => {
    await request(pns.baseUrl).get(path(newUser())).expect(401);
    await request(pns.baseUrl).put(path(newUser())).send(nightOwl).expect(401);
  });
});

describe('PreferencesService, for ingest, push and devices', () => {
  it('keeps out of the inbox, for many users in one post, what their category switch or default turns away', async () => {
    const [quiet, muted, fresh] = [newUser(), newUser(), newUser()];
    const service = pns.app.get(PreferencesService);
    await service.update(quiet, nightOwl);
    await service.update(muted, { default: { inbox: false } });
    const post = (body: object) => request(pns.baseUrl).post('/api/notifications').set(auth).send(body).expect(201);
    const stored = { id: expect.any(String), createdAt: expect.any(String) };

    expect((await post({ userIds: [quiet, muted, fresh], data: 1, category: 'marketing' })).body.notifications).toEqual([
      { userId: quiet, suppressed: 'preference' },
      { userId: muted, suppressed: 'preference' },
      { userId: fresh, ...stored },
    ]);
    expect((await post({ userIds: [quiet, muted, fresh], data: 2 })).body.notifications).toEqual([
      { userId: quiet, ...stored },
      { userId: muted, suppressed: 'preference' },
      { userId: fresh, ...stored },
    ]);
    // Replace by key and idempotency keys take the same check.
    expect((await post({ userIds: [quiet, fresh], data: 3, category: 'marketing', key: 'k' })).body.notifications).toEqual([
      { userId: quiet, suppressed: 'preference' },
      { userId: fresh, ...stored },
    ]);
    const retry = { userIds: [muted, fresh], data: 4, idempotencyKey: 'once' };
    const first = (await post(retry)).body.notifications;
    expect(first).toEqual([{ userId: muted, suppressed: 'preference' }, { userId: fresh, ...stored }]);
    expect((await post(retry)).body.notifications).toEqual(first);

    const total = async (userId: string) => (await request(pns.baseUrl).get(`/api/users/${userId}/counts`).set(auth).expect(200)).body.total;
    expect([await total(quiet), await total(muted), await total(fresh)]).toEqual([1, 0, 4]);
  });

  it('answers whether to push, and when quiet hours let it', async () => {
    const userId = newUser();
    const service = pns.app.get(PreferencesService);
    await service.update(userId, nightOwl);
    expect(await service.allowsPush(userId, 'orders')).toBe(false);
    expect(await service.allowsPush(userId, 'security')).toBe(true);
    expect(await service.pushDecision(userId, 'orders', new Date('2026-01-14T12:00:00Z'))).toEqual({ push: false });
    // 23:30 in Berlin: wait for 07:00 there.
    expect(await service.pushDecision(userId, 'security', new Date('2026-01-14T22:30:00Z'))).toEqual({ push: true, notBefore: new Date('2026-01-15T06:00:00Z') });
    expect(await service.pushDecision(userId, 'security', new Date('2026-01-14T12:00:00Z'))).toEqual({ push: true, notBefore: null });
  });
});

describe('preferences over the device protocol', () => {
  const opened: { close(): void }[] = [];
  afterEach(() => opened.splice(0).forEach((device) => device.close()));

  /** A WebSocket device of `userId` on `app`, once its first frame (counts or count) arrived. */
  const connect = async (app: RunningApp, userId: string, protocol: 1 | 2): Promise<Device> => {
    const ticket = await registerTicket(app, userId);
    const device = await Device.connect(app.wsUrl, { path: `/subscribe?connectionId=${ticket}${protocol === 2 ? '&protocol=2' : ''}` });
    opened.push(device);
    await device.nextFrame(() => true, { since: 0 });
    return device;
  };
  const openSse = async (app: RunningApp, userId: string): Promise<SseDevice> => {
    const stream = await SseDevice.open(app.baseUrl, { path: `/subscribe?connectionId=${await registerTicket(app, userId)}&protocol=2` });
    opened.push(stream);
    await stream.nextEvent((event) => event.event === 'counts', { since: 0 });
    return stream;
  };
  /** The frames a device got without asking: pushed, not answers. */
  const pushedPreferences = (device: Device) => device.frames.filter((frame) => 'preferences' in frame && !('requestId' in frame));
  const heard = (device: Device, preferences: object) => device.nextFrame((frame) => !('requestId' in frame) && isDeepStrictEqual(frame, { preferences }), { since: 0 });

  it('answers preferencesRequest and preferencesUpdate on both protocols, echoing the requestId', async () => {
    const userId = newUser();
    for (const protocol of [1, 2] as const) {
      const device = await connect(pns, userId, protocol);
      expect(await device.request({ preferencesRequest: {} })).toEqual({ preferences: protocol === 1 ? { default: { inbox: true, push: true }, categories: {}, quietHours: null } : nightOwl, requestId: expect.any(String) });
      expect(await device.request({ preferencesUpdate: nightOwl })).toEqual({ preferences: nightOwl, requestId: expect.any(String) });
    }
    expect((await request(pns.baseUrl).get(path(userId)).set(auth).expect(200)).body).toEqual(nightOwl);
  });

  it('tells every protocol-2 device of the user, on every instance and transport, of a change made by a device or over REST', async () => {
    const userId = newUser();
    const [changer, sameInstance, elsewhere] = [await connect(pns, userId, 2), await connect(pns, userId, 2), await connect(other, userId, 2)];
    const stream = await openSse(other, userId);
    const legacy = await connect(pns, userId, 1);

    // The stream may hear a change while the test waits on the WebSocket devices: look from before it.
    const beforeFirst = stream.events.length;
    await changer.request({ preferencesUpdate: nightOwl });
    for (const device of [changer, sameInstance, elsewhere]) await heard(device, nightOwl);
    const event = await stream.nextEvent((each) => each.event === 'preferences', { since: beforeFirst });
    // Not an inbox version: the event leaves the stream's Last-Event-ID where it was.
    expect(event).toEqual({ id: undefined, event: 'preferences', data: nightOwl });

    const muted = { default: { inbox: true, push: false }, categories: {}, quietHours: null };
    const beforeSecond = stream.events.length;
    await request(other.baseUrl).put(path(userId)).set(auth).send({ default: { push: false } }).expect(200);
    for (const device of [changer, sameInstance, elsewhere]) await heard(device, muted);
    await stream.nextEvent((each) => each.event === 'preferences' && isDeepStrictEqual(each.data, muted), { since: beforeSecond });

    // The frame is new to protocol 1. Both changes were sent to this instance's devices in one
    // pass each, before sameInstance heard the last one: the legacy device got them before this answer, or never.
    expect(await legacy.request({ preferencesRequest: {} })).toEqual({ preferences: muted, requestId: expect.any(String) });
    expect(legacy.frames.filter((frame) => 'preferences' in frame)).toHaveLength(1);
    expect(pushedPreferences(changer)).toEqual([{ preferences: nightOwl }, { preferences: muted }]);
  });

  it('sends the preferences again to the devices of an instance whose database notifications were cut, once they are back', async () => {
    const userId = newUser();
    const device = await connect(other, userId, 2);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      expect(await new DatabaseClient(admin).terminateSessions(`pns-bus:${other.app.get(Bus).instanceId}`)).toBe(1);
      // Written by hand, announced by nobody: only the resync after the reconnection tells the device.
      await admin.query(`INSERT INTO user_preferences (user_id, preferences) VALUES ($1, $2::jsonb)`, [userId, JSON.stringify(nightOwl)]);
    } finally {
      await admin.end();
    }
    await heard(device, nightOwl);
  });

  it('answers a device on Server-Sent Events through POST /subscribe/requests', async () => {
    const userId = newUser();
    const ticket = await registerTicket(pns, userId);
    const stream = await openSse(pns, userId);
    const beforeUpdate = stream.events.length;
    const answer = await request(pns.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).set('Content-Type', 'text/plain').send(JSON.stringify({ preferencesUpdate: nightOwl, requestId: 4 })).expect(200);
    expect(answer.body).toEqual({ preferences: nightOwl, requestId: 4 });
    await stream.nextEvent((event) => event.event === 'preferences', { since: beforeUpdate });
    const read = await request(pns.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).send({ preferencesRequest: {} }).expect(200);
    expect(read.body).toEqual({ preferences: nightOwl });
  });

  it.each([
    ['an unknown field', { preferencesUpdate: { ...nightOwl, vacation: true } }, /unknown field vacation/],
    ['a bad time zone', { preferencesUpdate: { quietHours: { timeZone: 'Europe/Atlantis', from: '22:00', to: '07:00' } } }, /IANA time zone/],
    ['preferences that are not an object', { preferencesUpdate: 'off' }, /preferencesUpdate must be an object/],
    ['a parameter of preferencesRequest', { preferencesRequest: { userId: 'someone else' } }, /preferencesRequest.userId is not a parameter/],
  ])('answers %s with bad_request, changes nothing and tells no device', async (_case, body, message) => {
    const userId = newUser();
    await request(pns.baseUrl).put(path(userId)).set(auth).send(nightOwl).expect(200);
    const device = await connect(pns, userId, 2);
    expect(await device.request(body as Frame)).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(message) }, requestId: expect.any(String) });
    expect((await request(pns.baseUrl).get(path(userId)).set(auth).expect(200)).body).toEqual(nightOwl);
    // A later change takes the same path: the device hears it, and nothing before it.
    await request(pns.baseUrl).put(path(userId)).set(auth).send({}).expect(200);
    await heard(device, { default: { inbox: true, push: true }, categories: {}, quietHours: null });
    expect(pushedPreferences(device)).toHaveLength(1);
  });
});
