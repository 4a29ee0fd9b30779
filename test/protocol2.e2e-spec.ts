import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { Device, UpgradeRefused } from './support/device';
import { connectCounted, postNotification, registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { countsOf, InboxDevice, markVia } from './support/inbox-devices';
import { SseDevice, SseRefused } from './support/sse-device';

/** Protocol 2 on both transports (docs/protocol.md, Protocol 2): frames, their order and shapes, and what is refused. */
describe('protocol 2: counts and changes', () => {
  let pns: RunningApp;
  const open: { close(): void }[] = [];
  const connect = async (userId: string, transport: 'websocket' | 'sse', options: { since?: number } = {}) => {
    const device = await InboxDevice.connect(pns, userId, transport, options);
    open.push(device);
    return device;
  };

  beforeAll(async () => {
    pns = await startApp(await createTestDatabase());
  });
  afterEach(() => open.splice(0).forEach((device) => device.close()));
  afterAll(() => pns.close());

  it.each(['websocket', 'sse'] as const)('over %s: counts first, then each change with its items, then the counts it leads to', async (transport) => {
    const user = newUser();
    await postNotification(pns, user, 'before', 'news');
    const device = await connect(user, transport);
    await device.waitForVersion(1);
    expect(device.events).toEqual([
      { name: 'counts', data: { version: 1, unseen: 1, unread: 1, total: 1, categories: { news: { unseen: 1, unread: 1, total: 1 } } }, ...(transport === 'sse' ? { id: '1' } : {}) },
    ]);

    const id = await postNotification(pns, user, { title: 'hello' });
    await device.waitForVersion(2);
    await markVia(pns, user, { set: 'read', ids: [id] }).expect(200);
    await device.waitForVersion(3);
    await request(pns.baseUrl).delete(`/api/notifications/${id}`).set(auth).expect(204);
    await device.waitForVersion(4);

    expect(device.trace).toEqual(['counts 1', 'change 2', 'counts 2', 'change 3', 'counts 3', 'change 4', 'counts 4']);
    const [created, read, deleted] = device.changes;
    expect(created).toEqual({ version: 2, type: 'created', at: expect.any(String), ids: [id], items: [{ id, notification_data: { title: 'hello' }, create_date: expect.any(String) }] });
    expect(read).toEqual({ version: 3, type: 'read', at: expect.any(String), ids: [id] });
    expect(deleted).toEqual({ version: 4, type: 'deleted', at: expect.any(String), ids: [id] });
    expect(Date.parse(read.at)).toBeGreaterThanOrEqual(Date.parse(created.at));
    expect(device.lastCounts).toEqual(await countsOf(pns, user));
    // No protocol-1 frame on protocol 2.
    expect(device.events.map((event) => event.name)).not.toContain('newNotificationCountChanged');
    if (transport === 'sse') expect(device.events.map((event) => event.id)).toEqual(['1', '2', '2', '3', '3', '4', '4']);
  });

  it('answers countsRequest, changesRequest and markRequest over WebSocket and POST /subscribe/requests alike', async () => {
    const user = newUser();
    const ticket = await registerTicket(pns, user);
    const first = await postNotification(pns, user, 1, 'news');
    await postNotification(pns, user, 2);
    const socket = await Device.connect(pns.wsUrl, { path: `/subscribe?connectionId=${ticket}&protocol=2` });
    open.push(socket);
    expect(await socket.request({ countsRequest: {} })).toMatchObject({ counts: { version: 2, unseen: 2 } });
    expect(await socket.request({ markRequest: { set: 'archived', filter: { category: 'news' } } })).toMatchObject({ marked: { updated: 1, counts: { version: 3, total: 1, categories: {} } } });
    expect(await socket.request({ changesRequest: { since: 2 } })).toMatchObject({ changes: { changes: [{ version: 3, type: 'archived', ids: [first] }], version: 3, hasMore: false } });

    const post = (body: object) => request(pns.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).set('Content-Type', 'text/plain').send(JSON.stringify(body));
    expect((await post({ markRequest: { set: 'unarchived', all: true }, requestId: 1 }).expect(200)).body).toMatchObject({ marked: { updated: 1, counts: { version: 4, total: 2 } }, requestId: 1 });
    expect((await post({ countsRequest: {} }).expect(200)).body).toEqual({ counts: await countsOf(pns, user) });
    expect((await post({ changesRequest: { since: 0, limit: 1 } }).expect(200)).body).toMatchObject({ changes: { changes: [{ version: 1, type: 'created' }], version: 4, hasMore: true } });
    expect((await post({ markRequest: { set: 'read', ids: [] } }).expect(400)).body).toEqual({ error: { code: 'bad_request', message: expect.stringContaining('ids') } });
    // A protocol-1 device asks the same. (Archiving marked the first seen; unarchiving leaves it seen.)
    const old = await connectCounted(pns, user, { ticket });
    open.push(old);
    expect(old.frames[0]).toEqual({ newNotificationCountChanged: 1, version: 4 });
    expect(await old.request({ countsRequest: {} })).toMatchObject({ counts: { version: 4 } });
  });

  it.each([
    '?protocol=3',
    '?protocol=',
    '?protocol=2.0',
    '?since=4',
    '?protocol=1&since=4',
    '?protocol=2&since=-1',
    '?protocol=2&since=x',
    '?protocol=2&since=1.0',
  ])('refuses %s with 400, on the WebSocket upgrade and the event stream', async (query) => {
    const ticket = await registerTicket(pns, newUser());
    const path = `/subscribe${query}&connectionId=${ticket}`;
    await expect(Device.connect(pns.wsUrl, { path })).rejects.toEqual(new UpgradeRefused(400));
    const refused = await SseDevice.open(pns.baseUrl, { path }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SseRefused);
    expect((refused as SseRefused).status).toBe(400);
    expect(JSON.parse((refused as SseRefused).body)).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/protocol|since/) });
  });

  it('refuses a Last-Event-ID that is no version on a protocol-2 stream', async () => {
    const ticket = await registerTicket(pns, newUser());
    const refused = await SseDevice.open(pns.baseUrl, { path: `/subscribe?protocol=2&connectionId=${ticket}`, headers: { 'Last-Event-ID': 'abc' } }).catch((error: unknown) => error);
    expect((refused as SseRefused).status).toBe(400);
  });
});
