import type { DatabaseClient } from '../../test/support/database-client';
import { newNotification, newNotifications, newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { NotFoundError, PayloadTooLargeError } from '../common/errors';
import { NotificationsModule } from './notifications.module';
import { NotificationsService } from './notifications.service';

describe('NotificationsService on a real database', () => {
  let context: TestContext;
  let service: NotificationsService;
  let other: DatabaseClient;

  beforeAll(async () => {
    context = await TestContext.start({ imports: [NotificationsModule] });
    service = context.get(NotificationsService);
    other = await context.connect();
  });
  afterAll(() => context.close());

  const post = (userId: string, data: unknown = { n: 1 }) => newNotification(service, userId, data);
  const postMany = (userId: string, count: number) => newNotifications(service, userId, Array.from({ length: count }, (_, i) => ({ i })));
  const storedRows = async (userId: string) => (await context.prisma.notification.findMany({ where: { userId }, select: { id: true } })).length;

  describe('create', () => {
    it('answers one notification per distinct user, in the order given', async () => {
      const [a, b, c] = [newUser(), newUser(), newUser()];
      const created = await service.create({ userIds: [b, a, b, c], data: 'hello', category: 'news' });
      expect(created.map((n) => n.userId)).toEqual([b, a, c]);
      expect(new Set(created.map((n) => n.id)).size).toBe(3);
      expect(await storedRows(b)).toBe(1);
    });

    it('stores any JSON value as data, null included, and returns it unchanged', async () => {
      const userId = newUser();
      const values: unknown[] = [null, 0, -1.5, true, 'text', [], {}, [1, 'two', null], { nested: { list: [{ deep: 'é🙂' }] }, constructor: 1 }];
      for (const data of values) await post(userId, data);
      const { items } = await service.list(userId, { state: 'all', limit: 50 });
      expect(items.map((item) => item.data).reverse()).toEqual(values);
      expect(items.every((item) => item.category === null && item.seenAt === null)).toBe(true);
    });

    it('refuses data whose JSON is over MAX_NOTIFICATION_BYTES, counting UTF-8 bytes', async () => {
      const userId = newUser();
      await expect(service.create({ userIds: [userId], data: 'x'.repeat(16382) })).resolves.toHaveLength(1);
      await expect(service.create({ userIds: [userId], data: 'x'.repeat(16383) })).rejects.toBeInstanceOf(PayloadTooLargeError);
      await expect(service.create({ userIds: [userId], data: 'é'.repeat(8192) })).rejects.toBeInstanceOf(PayloadTooLargeError);
      expect(await storedRows(userId)).toBe(1);
    });

    it('creates nothing for a retried idempotency key, even when 20 retries race', async () => {
      const [a, b] = [newUser(), newUser()];
      const first = await service.create({ userIds: [a], data: 1, idempotencyKey: 'k1' });
      const retries = await Promise.all(Array.from({ length: 20 }, () => service.create({ userIds: [b, a], data: 1, idempotencyKey: 'k1' })));
      expect(new Set(retries.map(([forB]) => forB.id)).size).toBe(1);
      expect(retries.every(([, forA]) => forA.id === first[0].id && forA.createdAt.getTime() === first[0].createdAt.getTime())).toBe(true);
      expect(await storedRows(a)).toBe(1);
      expect(await storedRows(b)).toBe(1);
      expect([(await service.unseenCountAndVersion(a)).count, (await service.unseenCountAndVersion(b)).count]).toEqual([1, 1]);
    });
    it('does not deadlock when racing retries name the same users in different orders', async () => {
      const users = Array.from({ length: 1000 }, () => newUser());
      for (let round = 0; round < 10; round++) {
        const idempotencyKey = `round-${round}`;
        const [forward, backward] = await Promise.all([
          service.create({ userIds: users, data: round, idempotencyKey }),
          service.create({ userIds: [...users].reverse(), data: round, idempotencyKey }),
        ]);
        expect([...backward].reverse()).toEqual(forward);
      }
      expect((await service.unseenCountAndVersion(users[0])).count).toBe(10);
    });
    it('indexes only the notifications that have an idempotency key, which keys without one never needed', async () => {
      const userId = newUser();
      await Promise.all([post(userId), post(userId), service.create({ userIds: [userId], data: 1, idempotencyKey: 'only' })]);
      expect(await other.indexDefinition('notifications_user_idempotency_key')).toMatch(/^CREATE UNIQUE INDEX .* WHERE \(idempotency_key IS NOT NULL\)$/);
      expect(await storedRows(userId)).toBe(3);
    });
  });

  describe('unseen counts (kept by the triggers)', () => {
    it('answers reads asked together, each its own user, in fewer statements than reads', async () => {
      const [two, none] = [newUser(), newUser()];
      await postMany(two, 2);
      const queries = jest.spyOn(context.prisma.pool, 'query');
      const readers = [two, none, two, none, two];
      const answers = await Promise.all(readers.map((userId) => service.unseenCountAndVersion(userId)));
      expect(answers).toEqual([2, 0, 2, 0, 2].map((count) => ({ count, version: count })));
      expect(queries.mock.calls.length).toBeLessThan(readers.length);
      queries.mockRestore();
    });

    it('follow inserts, seen marks and deletes', async () => {
      const userId = newUser();
      expect((await service.unseenCountAndVersion(userId)).count).toBe(0);
      const [first, second, third] = await postMany(userId, 3);
      expect((await service.unseenCountAndVersion(userId)).count).toBe(3);
      expect(await service.markSeen(userId, { ids: [first.id, first.id, 'nope', '99999999999999999999'] })).toEqual({ updated: 1, count: 2, version: 4 });
      await service.remove(first.id);
      expect((await service.unseenCountAndVersion(userId)).count).toBe(2);
      await service.remove(second.id);
      expect((await service.unseenCountAndVersion(userId)).count).toBe(1);
      expect(await service.markSeen(userId, { all: true })).toEqual({ updated: 1, count: 0, version: 7 });
      await service.remove(third.id);
      expect((await service.unseenCountAndVersion(userId)).count).toBe(0);
    });

    it('leaves other users alone when marking seen', async () => {
      const [owner, other] = [newUser(), newUser()];
      const mine = await post(owner);
      const theirs = await post(other);
      expect(await service.markSeen(owner, { ids: [mine.id, theirs.id] })).toEqual({ updated: 1, count: 0, version: 2 });
      expect(await service.markSeen(owner, { all: true })).toEqual({ updated: 0, count: 0, version: 2 });
      expect((await service.unseenCountAndVersion(other)).count).toBe(1);
    });
  });

  describe('remove', () => {
    it('throws NotFoundError for unknown and malformed ids', async () => {
      await expect(service.remove('999999999')).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.remove('abc')).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.remove('99999999999999999999')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('list', () => {
    it('pages newest first by (createdAt, id) and filters by state', async () => {
      const userId = newUser();
      const created = await postMany(userId, 7);
      // Two share a timestamp: the id breaks the tie.
      const base = Date.parse('2026-01-01T00:00:00Z');
      for (const [index, notification] of created.entries()) await other.setCreatedAt(notification.id, new Date(base + Math.min(index, 5) * 1000));
      await service.markSeen(userId, { ids: [created[1].id, created[4].id] });
      const pageAll = async (state: 'unseen' | 'seen' | 'all') => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await service.list(userId, { state, limit: 2, cursor });
          expect(page.items.length).toBeLessThanOrEqual(2);
          ids.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return ids;
      };
      const ids = created.map((n) => n.id);
      expect(await pageAll('all')).toEqual([ids[6], ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]]);
      expect(await pageAll('unseen')).toEqual([ids[6], ids[5], ids[3], ids[2], ids[0]]);
      expect(await pageAll('seen')).toEqual([ids[4], ids[1]]);
    });

    it('answers no next cursor when the page is the last one', async () => {
      const userId = newUser();
      await postMany(userId, 2);
      expect((await service.list(userId, { state: 'all', limit: 2 })).nextCursor).toBeNull();
      expect((await service.list(userId, { state: 'all', limit: 1 })).nextCursor).toEqual(expect.any(String));
    });
  });

  describe('takeUnseen', () => {
    it('returns the newest unseen first and marks exactly those seen', async () => {
      const userId = newUser();
      const created = await postMany(userId, 5);
      const taken = await service.takeUnseen(userId, 3);
      expect(taken.map((n) => n.id)).toEqual([created[4].id, created[3].id, created[2].id]);
      expect(taken.every((n) => n.seenAt instanceof Date && n.userId === userId)).toBe(true);
      expect(taken[0].data).toEqual({ i: 4 });
      expect((await service.unseenCountAndVersion(userId)).count).toBe(2);
      expect((await service.list(userId, { state: 'unseen', limit: 10 })).items.map((n) => n.id)).toEqual([created[1].id, created[0].id]);
    });

    it('gives concurrent callers disjoint sets that together hold every unseen notification', async () => {
      const userId = newUser();
      await postMany(userId, 60);
      const takes = await Promise.all(Array.from({ length: 6 }, () => service.takeUnseen(userId, 10)));
      expect(takes.map((taken) => taken.length).every((length) => length <= 10)).toBe(true);
      const ids = takes.flat().map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(60);
      expect((await service.unseenCountAndVersion(userId)).count).toBe(0);
      expect(await service.takeUnseen(userId, 10)).toEqual([]);
    });
  });

  describe('seenCreatedAfter', () => {
    it('returns only seen notifications created strictly after the instant, newest first', async () => {
      const userId = newUser();
      const created = await postMany(userId, 5);
      const base = Date.parse('2026-03-01T00:00:00Z');
      for (const [index, notification] of created.entries()) await other.setCreatedAt(notification.id, new Date(base + index * 1000));
      await service.markSeen(userId, { ids: [created[0].id, created[1].id, created[2].id, created[4].id] });
      const found = await service.seenCreatedAfter(userId, new Date(base + 1000), 10);
      expect(found.map((n) => n.id)).toEqual([created[4].id, created[2].id]);
      expect(found.every((n) => n.seenAt !== null)).toBe(true);
      expect((await service.seenCreatedAfter(userId, new Date(base - 1), 2)).map((n) => n.id)).toEqual([created[4].id, created[2].id]);
    });
  });
});
