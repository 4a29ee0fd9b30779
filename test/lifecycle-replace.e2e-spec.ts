import pg from 'pg';
import request from 'supertest';
import { auth, startAppWithDatabase, userPath, type AppWithDatabase, type RunningApp } from './support/app';
import { Device } from './support/device';
import { connectCounted, registerTicket } from './support/devices';
import { newUser } from './support/factories';

describe('replace by key: POST /api/notifications with "key"', () => {
  let running: AppWithDatabase;
  let pns: RunningApp;
  let db: pg.Client;
  beforeAll(async () => {
    running = await startAppWithDatabase();
    ({ pns, db } = running);
  });
  afterAll(() => running.close());

  const api = () => request(pns.baseUrl);
  const post = (body: object) => api().post('/api/notifications').set(auth).send(body);
  const counts = async (userId: string) => (await api().get(userPath(userId, '/counts')).set(auth).expect(200)).body;
  const list = async (userId: string, query = '') => (await api().get(userPath(userId, `/notifications${query}`)).set(auth).expect(200)).body.items;
  const changes = async (userId: string, since: number) => (await api().get(userPath(userId, `/changes?since=${since}`)).set(auth).expect(200)).body.changes;
  const rowsOf = async (userId: string) => (await db.query('SELECT id::text, key FROM notifications WHERE user_id = $1', [userId])).rows;

  it('replaces data, category and expiry under the same id, unseen and unread again, as one "updated" change', async () => {
    const userId = newUser();
    const first = (await post({ userId, key: 'build-7', data: { status: 'running' }, category: 'ci' }).expect(201)).body.notifications[0];
    expect(first).not.toHaveProperty('replaced');
    await api().post(userPath(userId, '/notifications/mark')).set(auth).send({ set: 'read', ids: [first.id] }).expect(200);
    const device = await connectCounted(pns, userId);
    expect(device.lastCount).toBe(0);
    const modern = await Device.connect(pns.wsUrl, { path: `/subscribe?connectionId=${await registerTicket(pns, userId)}&protocol=2` });
    await modern.nextFrame((frame) => 'counts' in frame, { since: 0 });

    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const second = (await post({ userId, key: 'build-7', data: { status: 'passed' }, category: 'builds', expiresAt }).expect(201)).body.notifications[0];

    expect(second).toEqual({ id: first.id, userId, createdAt: first.createdAt, replaced: true });
    await device.waitForCount(1);
    const heard = await modern.nextFrame((frame) => 'change' in frame, { since: 0 });
    expect(heard.change).toMatchObject({ type: 'updated', ids: [first.id], items: [{ id: first.id, notification_data: { status: 'passed' }, category: 'builds', key: 'build-7', expire_date: expiresAt }] });
    expect((heard.change as { items: object[] }).items[0]).not.toHaveProperty('seen_date');
    const [item] = await list(userId);
    expect(item).toMatchObject({ id: first.id, data: { status: 'passed' }, category: 'builds', key: 'build-7', seenAt: null, readAt: null, expiresAt });
    expect(item.updatedAt).not.toBeNull();
    expect(await counts(userId)).toMatchObject({ unseen: 1, unread: 1, total: 1, categories: { builds: { unseen: 1, unread: 1, total: 1 } } });
    const log = await changes(userId, 0);
    expect(log.map((change: { type: string }) => change.type)).toEqual(['created', 'read', 'updated']);
    expect(log[2]).toMatchObject({ ids: [first.id], items: [{ id: first.id, notification_data: { status: 'passed' } }] });
    expect(await rowsOf(userId)).toHaveLength(1);
    device.close();
    modern.close();
  });

  it('brings an archived notification back into the inbox; with "renotify": false it keeps its marks', async () => {
    const userId = newUser();
    const { id } = (await post({ userId, key: 'k', data: 1 }).expect(201)).body.notifications[0];
    await api().post(userPath(userId, '/notifications/mark')).set(auth).send({ set: 'archived', ids: [id] }).expect(200);

    await post({ userId, key: 'k', data: 2, renotify: false }).expect(201);
    expect(await list(userId, '?state=archived')).toMatchObject([{ id, data: 2 }]);
    expect((await counts(userId)).total).toBe(0);

    await post({ userId, key: 'k', data: 3 }).expect(201);
    expect(await list(userId)).toMatchObject([{ id, data: 3, seenAt: null, archivedAt: null }]);
    expect(await counts(userId)).toMatchObject({ unseen: 1, total: 1 });
  });

  it('replaces per recipient: one user with the key gets it replaced, another gets a new one', async () => {
    const [holder, newcomer] = [newUser(), newUser()];
    const { id } = (await post({ userId: holder, key: 'digest', data: 1 }).expect(201)).body.notifications[0];
    const entries = (await post({ userIds: [holder, newcomer], key: 'digest', data: 2 }).expect(201)).body.notifications;
    expect(entries).toEqual([
      { id, userId: holder, createdAt: expect.any(String), replaced: true },
      { id: expect.not.stringMatching(`^${id}$`), userId: newcomer, createdAt: expect.any(String) },
    ]);
  });

  it('makes one notification of 20 racing posts with one new key, the others replacing it', async () => {
    const userId = newUser();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => post({ userId, key: 'race', data: { n } }).expect(201)));
    const entries = answers.map((answer) => answer.body.notifications[0]);
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(1);
    expect(entries.filter((entry) => !entry.replaced)).toHaveLength(1);
    expect(await rowsOf(userId)).toHaveLength(1);
    expect(await counts(userId)).toMatchObject({ unseen: 1, total: 1 });
  });

  it('answers a retry of an idempotency key with what it made, without replacing again', async () => {
    const userId = newUser();
    const { id } = (await post({ userId, key: 'k', data: 1, idempotencyKey: 'attempt-1' }).expect(201)).body.notifications[0];
    await api().post(userPath(userId, '/notifications/mark')).set(auth).send({ set: 'seen', ids: [id] }).expect(200);
    expect((await post({ userId, key: 'k', data: 1, idempotencyKey: 'attempt-1' }).expect(201)).body.notifications[0].id).toBe(id);
    expect((await counts(userId)).unseen).toBe(0);

    // A late retry of the first post after a replacement: answered, its old data not brought back.
    await post({ userId, key: 'k', data: 2, idempotencyKey: 'attempt-2' }).expect(201);
    expect((await post({ userId, key: 'k', data: 1, idempotencyKey: 'attempt-1' }).expect(201)).body.notifications[0].id).toBe(id);
    expect(await list(userId)).toMatchObject([{ id, data: 2 }]);
  });

  it.each([
    ['an empty key', { key: '' }],
    ['a key of 256 characters', { key: 'k'.repeat(256) }],
    ['a key that is not a string', { key: 7 }],
    ['renotify that is not a boolean', { key: 'k', renotify: 'no' }],
  ])('refuses %s with 400', async (_case, extra) => {
    await post({ userId: newUser(), data: 1, ...extra }).expect(400);
  });
});
