import { PnsClient, PnsError, PnsGoneError } from '../node-client/src/index';
import { RetentionService } from '../src/retention/retention.service';
import { AgedRows } from './support/aged-rows';
import { startApp, TEST_TOKEN, type RunningApp } from './support/app';
import { recordingCalls } from './support/called-methods';
import { INBOX_METHODS } from './support/node-client-coverage';
import { createTestDatabase } from './support/database';
import { newUser } from './support/factories';

describe('the Node client: counts, mark and changes of the inbox', () => {
  let pns: RunningApp;
  let rows: AgedRows;
  let client: PnsClient;
  const called = new Set<string>();

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    [pns, rows] = await Promise.all([startApp(databaseUrl, { CHANGE_RETENTION: '7d' }), AgedRows.connect(databaseUrl)]);
    client = recordingCalls(new PnsClient({ url: pns.baseUrl, token: TEST_TOKEN }), called);
  });
  afterAll(async () => {
    await rows?.close();
    await pns?.close();
  });

  const notify = async (userId: string, data: unknown, category?: string): Promise<string> => {
    const [entry] = (await client.notify({ userId, data, category })).notifications;
    return (entry as { id: string }).id;
  };

  it('counts a user never seen as all zero at version 0', async () => {
    const user = newUser();
    expect(await client.counts(user)).toEqual({ userId: user, version: 0, unseen: 0, unread: 0, total: 0, categories: {} });
  });

  it('marks by ids, filter and all, answering the counts after each', async () => {
    const user = newUser();
    const [first] = [await notify(user, 1, 'orders'), await notify(user, 2, 'orders'), await notify(user, 3)];
    expect(await client.counts(user)).toEqual({
      userId: user,
      version: 3,
      unseen: 3,
      unread: 3,
      total: 3,
      categories: { orders: { unseen: 2, unread: 2, total: 2 } },
    });

    const read = await client.mark(user, 'read', { ids: [first] });
    expect(read).toEqual({ updated: 1, counts: expect.objectContaining({ version: 4, unseen: 2, unread: 2, total: 3 }) });

    const archived = await client.mark(user, 'archived', { filter: { category: 'orders', createdBefore: new Date(Date.now() + 60_000) } });
    expect(archived).toEqual({ updated: 2, counts: expect.objectContaining({ version: 5, total: 1, categories: {} }) });

    const unarchived = await client.mark(user, 'unarchived', { all: true });
    expect(unarchived.updated).toBe(2);
    expect(unarchived.counts).toEqual(expect.objectContaining({ version: 6, total: 3 }));
    expect(await client.counts(user)).toEqual({ userId: user, ...unarchived.counts });
  });

  it('lists by the new states and by one or several categories', async () => {
    const user = newUser();
    const order = await notify(user, 'order', 'orders');
    await notify(user, 'invoice', 'billing');
    await notify(user, 'news', 'news');
    await client.mark(user, 'read', { ids: [order] });
    const dataOf = async (query: Parameters<PnsClient['list']>[1]) => (await client.list(user, query)).items.map((item) => item.data);
    expect(await dataOf({ state: 'read' })).toEqual(['order']);
    expect(await dataOf({ state: 'unread', category: 'billing' })).toEqual(['invoice']);
    expect(await dataOf({ category: ['orders', 'news'] })).toEqual(['news', 'order']);
  });

  it('reads the changes after a version, oldest first, in pages', async () => {
    const user = newUser();
    const first = await notify(user, 'a');
    const second = await notify(user, 'b');
    await client.mark(user, 'seen', { ids: [first, second] });

    const all = await client.changes(user, 0);
    expect(all.version).toBe(3);
    expect(all.hasMore).toBe(false);
    expect(all.changes.map(({ version, type, ids }) => ({ version, type, ids }))).toEqual([
      { version: 1, type: 'created', ids: [first] },
      { version: 2, type: 'created', ids: [second] },
      { version: 3, type: 'seen', ids: expect.arrayContaining([first, second]) },
    ]);
    expect(all.changes[0].items).toEqual([expect.objectContaining({ id: first, notification_data: 'a' })]);

    const page = await client.changes(user, 0, 2);
    expect({ versions: page.changes.map((change) => change.version), hasMore: page.hasMore }).toEqual({ versions: [1, 2], hasMore: true });
    expect((await client.changes(user, 2)).changes.map((change) => change.version)).toEqual([3]);
  });

  it('replaces by key (same id, replaced), takes an expiry, and snoozes until a date', async () => {
    const user = newUser();
    const [created] = (await client.notify({ userId: user, key: 'cart', data: { items: 1 }, ttl: '2d' })).notifications;
    const [replaced] = (await client.notify({ userId: user, key: 'cart', data: { items: 3 }, expiresAt: new Date(Date.now() + 3600e3) })).notifications;
    expect(replaced).toEqual(expect.objectContaining({ id: (created as { id: string }).id, replaced: true }));
    const [cart] = (await client.list(user)).items;
    expect(cart).toEqual(expect.objectContaining({ key: 'cart', data: { items: 3 }, expiresAt: expect.stringMatching(/Z$/), updatedAt: expect.stringMatching(/Z$/) }));

    const snoozed = await client.mark(user, 'snoozed', { ids: [cart.id], until: new Date(Date.now() + 600e3) });
    expect(snoozed).toEqual({ updated: 1, counts: expect.objectContaining({ total: 0 }) });
    expect((await client.list(user, { state: 'snoozed' })).items.map((item) => item.id)).toEqual([cart.id]);
  });

  it('rejects changes that retention deleted with a PnsGoneError carrying the version to reload at', async () => {
    const user = newUser();
    for (let index = 0; index < 3; index += 1) await notify(user, index);
    await rows.query(`UPDATE inbox_changes SET at = now() - interval '7 days 1 minute' WHERE user_id = $1 AND version <= 2`, [user]);
    expect(await pns.app.get(RetentionService).runPass()).toMatchObject({ changes: 2 });

    const failure = await client.changes(user, 0).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PnsGoneError);
    expect(failure).toMatchObject({ status: 410, error: 'Gone', version: 3, message: expect.stringContaining('reload') });
    expect((await client.changes(user, 2)).changes.map((change) => change.version)).toEqual([3]);
  });

  it('rejects bad marks and a since above the current version with a 400 PnsError, changing nothing', async () => {
    const user = newUser();
    const id = await notify(user, 'x');
    const refusals = [
      client.mark(user, 'read', { ids: Array.from({ length: 1001 }, () => id) }),
      client.mark(user, 'read', { filter: { createdBefore: 'not a date' } }),
      client.changes(user, 2),
    ];
    for (const refusal of refusals) {
      const failure = await refusal.catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PnsError);
      expect(failure).toMatchObject({ status: 400, error: 'Bad Request' });
    }
    expect(await client.counts(user)).toEqual(expect.objectContaining({ version: 1, unread: 1 }));
  });

  it('has shown each inbox method at work above (node-client.e2e-spec.ts counts on it)', () => {
    expect([...called].filter((name) => INBOX_METHODS.includes(name)).sort()).toEqual(INBOX_METHODS);
  });
});
