import { Logger } from '@nestjs/common';
import type { DatabaseClient } from '../../../test/support/database-client';
import { newNotification, newUser } from '../../../test/support/factories';
import { TestContext } from '../../../test/support/test-context';
import { clockPasses, eventually, pollUntil } from '../../../test/support/waiters';
import { NotificationsModule } from '../../notifications/notifications.module';
import { NotificationsService } from '../../notifications/notifications.service';
import { EventStream, PAGE_SIZE, type CompatEvent } from './event-stream';

/** The stream and the queries it relies on, on a real database; the gateway's part is in test/compat*.e2e-spec.ts. */
describe('EventStream', () => {
  let context: TestContext;
  let notifications: NotificationsService;
  let other: DatabaseClient;
  const streams: EventStream[] = [];

  /** A stream from `from`, recording the arrays it sends and the payloads of every page it reads. */
  const open = (userId: string, from = new Date(0)) => {
    const arrays: CompatEvent[][] = [];
    const pagesRead: unknown[][] = [];
    const source: ConstructorParameters<typeof EventStream>[2] = {
      settledHorizon: () => notifications.settledHorizon(),
      createdAfterInOrder: async (...args) => {
        const page = await notifications.createdAfterInOrder(...args);
        pagesRead.push(page.map((record) => record.data));
        return page;
      },
    };
    const stream = new EventStream(userId, from, source, async (events) => void arrays.push(events), new Logger('test'));
    streams.push(stream);
    stream.poke();
    const events = () => arrays.flat();
    const payloads = () => events().map((event) => event.payload);
    return { stream, arrays, events, payloads, pagesRead };
  };
  const databaseNow = () => context.databaseNow();

  beforeAll(async () => {
    context = await TestContext.start({ imports: [NotificationsModule] });
    notifications = context.get(NotificationsService);
    other = await context.connect();
  });
  afterEach(() => streams.splice(0).forEach((stream) => stream.close()));
  afterAll(() => context.close());

  it(`replays in creation order, in arrays of at most ${PAGE_SIZE}, from the given instant inclusive`, async () => {
    const user = newUser();
    const [before] = await notifications.createEach([{ userId: user, data: 'before' }]);
    await clockPasses(before.createdAt, databaseNow);
    const entries = Array.from({ length: 2 * PAGE_SIZE + 10 }, (_, n) => ({ userId: user, data: { n } }));
    const created = await notifications.createEach(entries);
    const { arrays, events, payloads } = open(user, created[0].createdAt);
    await eventually(() => events().length >= entries.length, `${entries.length} events`);
    expect(arrays.map((array) => array.length)).toEqual([PAGE_SIZE, PAGE_SIZE, 10]);
    expect(payloads()).toEqual(entries.map((entry) => entry.data));
    expect(events().every((event) => event.accessid === user && event.created_at === created[0].createdAt.getTime())).toBe(true);
  });

  it('sends each new notification once when poked, however often it is poked', async () => {
    const user = newUser();
    const { stream, payloads } = open(user);
    await newNotification(notifications, user, 1);
    for (let poke = 0; poke < 5; poke += 1) stream.poke();
    await newNotification(notifications, user, 2);
    stream.poke();
    await eventually(() => payloads().includes(2), 'the second notification');
    stream.poke();
    // Sent in creation order: once the last one is out, any repeat of the first two would be too.
    await newNotification(notifications, user, 'last');
    stream.poke();
    await eventually(() => payloads().includes('last'), 'the last notification');
    expect(payloads()).toEqual([1, 2, 'last']);
  });

  it('settledHorizon is no later than the start of a transaction still open, and moves on once it ends', async () => {
    const started = await other.begin();
    const during = await pollUntil(
      () => notifications.settledHorizon(),
      (horizon) => horizon.now.getTime() >= started.getTime() + 90,
      'the database clock 90 ms past the open transaction',
    );
    expect(during.settledBefore.getTime()).toBeLessThanOrEqual(started.getTime());
    await other.commit();
    const after = await notifications.settledHorizon();
    expect(after.settledBefore.getTime()).toBeGreaterThan(started.getTime() + 60);
  });

  it('holds back a notification created after one still uncommitted, then sends both in creation order', async () => {
    const user = newUser();
    const { stream, payloads, pagesRead } = open(user);
    const started = await other.begin();
    await clockPasses(started, databaseNow);
    await newNotification(notifications, user, 'fast');
    // Created at the transaction's start, before "fast"; inserted after it, because it holds the
    // user's inbox row (the version) to its commit, which the insert of "fast" would wait for.
    await other.insertNotification(user, 'slow');
    stream.poke();
    // A pass reads again only after the previous one ended: a second read proves the first one
    // is over, and held it back unless it sent it.
    await eventually(() => pagesRead.filter((page) => page.includes('fast')).length >= 2 || payloads().length > 0, 'two passes over the held notification');
    expect(payloads()).toEqual([]);
    await other.commit();
    await eventually(() => payloads().length >= 2, 'both notifications');
    expect(payloads()).toEqual(['slow', 'fast']);
  });

  describe('NotificationsService.takeCreatedAfter (notificationDataRequest with receivedAfter)', () => {
    it('answers the newest `limit` seen and unseen ones, and marks seen only the unseen ones it answered', async () => {
      const user = newUser();
      const start = new Date(Date.now() - 1000);
      const [older] = await notifications.createEach([{ userId: user, data: 'older unseen' }]);
      await clockPasses(older.createdAt, databaseNow);
      const [seen] = await notifications.createEach([{ userId: user, data: 'seen' }]);
      await notifications.takeUnseen(user, 1);
      await clockPasses(seen.createdAt, databaseNow);
      await notifications.createEach([{ userId: user, data: 'newest unseen' }]);

      const answer = await notifications.takeCreatedAfter(user, start, 2);
      expect(answer.map((record) => record.data)).toEqual(['newest unseen', 'seen']);
      expect(answer.every((record) => record.seenAt !== null)).toBe(true);
      expect((await notifications.unseenCountAndVersion(user)).count).toBe(1);
      const [stillUnseen] = await notifications.takeUnseen(user, 10);
      expect(stillUnseen.id).toBe(older.id);
    });

    it('leaves out notifications created at or before receivedAfter', async () => {
      const user = newUser();
      const [first] = await notifications.createEach([{ userId: user, data: 'first' }]);
      expect(await notifications.takeCreatedAfter(user, first.createdAt, 10)).toEqual([]);
      expect((await notifications.unseenCountAndVersion(user)).count).toBe(1);
    });
  });
});
