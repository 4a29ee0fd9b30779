import { Logger } from '@nestjs/common';
import pg from 'pg';
import { createTestDatabase } from '../../../test/support/database';
import { newUser } from '../../../test/support/factories';
import { UnseenChangesPublisher } from '../../bus/unseen-changes.publisher';
import { UnseenChangesRepository } from '../../bus/unseen-changes.repository';
import { loadConfig } from '../../config/config.schema';
import { DatabaseServer } from '../../database/database-server';
import { PrismaService } from '../../database/prisma.service';
import { NotificationsRepository } from '../../notifications/notifications.repository';
import { NotificationsService } from '../../notifications/notifications.service';
import { EventStream, PAGE_SIZE, type CompatEvent } from './event-stream';

const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));

/** The stream and the queries it relies on, on a real database; the gateway's part is in test/compat*.e2e-spec.ts. */
describe('EventStream', () => {
  let databaseUrl: string;
  let prisma: PrismaService;
  let notifications: NotificationsService;
  let other: pg.Client;
  const streams: EventStream[] = [];

  /** A stream from `from`, recording the arrays it sends. */
  const open = (userId: string, from = new Date(0)) => {
    const arrays: CompatEvent[][] = [];
    const stream = new EventStream(userId, from, notifications, async (events) => void arrays.push(events), new Logger('test'));
    streams.push(stream);
    stream.poke();
    return { stream, arrays, events: () => arrays.flat() };
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const config = loadConfig({ DATABASE_URL: databaseUrl, MIGRATE_ON_START: 'false' });
    prisma = new PrismaService(await DatabaseServer.start(config));
    notifications = new NotificationsService(new NotificationsRepository(prisma), config, new UnseenChangesPublisher(new UnseenChangesRepository(prisma)));
    other = new pg.Client({ connectionString: databaseUrl });
    await other.connect();
  });
  afterEach(() => streams.splice(0).forEach((stream) => stream.close()));
  afterAll(async () => {
    await other.end();
    await prisma.close();
  });

  it(`replays in creation order, in arrays of at most ${PAGE_SIZE}, from the given instant inclusive`, async () => {
    const user = newUser();
    await notifications.createEach([{ userId: user, data: 'before' }]);
    await settle(5);
    const entries = Array.from({ length: 2 * PAGE_SIZE + 10 }, (_, n) => ({ userId: user, data: { n } }));
    const created = await notifications.createEach(entries);
    const { arrays, events } = open(user, created[0].createdAt);
    await settle(300);
    expect(arrays.map((array) => array.length)).toEqual([PAGE_SIZE, PAGE_SIZE, 10]);
    expect(events().map((event) => event.payload)).toEqual(entries.map((entry) => entry.data));
    expect(events().every((event) => event.accessid === user && event.created_at === created[0].createdAt.getTime())).toBe(true);
  });

  it('sends each new notification once when poked, however often it is poked', async () => {
    const user = newUser();
    const { stream, events } = open(user);
    await notifications.create({ userIds: [user], data: 1 });
    for (let poke = 0; poke < 5; poke += 1) stream.poke();
    await notifications.create({ userIds: [user], data: 2 });
    stream.poke();
    await settle();
    stream.poke();
    await settle();
    expect(events().map((event) => event.payload)).toEqual([1, 2]);
  });

  it('settledHorizon is no later than the start of a transaction still open, and moves on once it ends', async () => {
    await other.query('BEGIN');
    const {
      rows: [{ started }],
    } = await other.query<{ started: Date }>('SELECT now() AS started');
    await settle(100);
    const during = await notifications.settledHorizon();
    expect(during.settledBefore.getTime()).toBeLessThanOrEqual(started.getTime());
    expect(during.now.getTime()).toBeGreaterThanOrEqual(started.getTime() + 90);
    await other.query('COMMIT');
    const after = await notifications.settledHorizon();
    expect(after.settledBefore.getTime()).toBeGreaterThan(started.getTime() + 60);
  });

  it('holds back a notification created after one still uncommitted, then sends both in creation order', async () => {
    const user = newUser();
    const { stream, events } = open(user);
    await other.query('BEGIN');
    await other.query('SELECT now()');
    await settle(5);
    await notifications.create({ userIds: [user], data: 'fast' });
    // Created at the transaction's start, before "fast"; inserted after it, because it holds the
    // user's inbox row (the version) to its commit, which the insert of "fast" would wait for.
    await other.query(`INSERT INTO notifications (user_id, data) VALUES ($1, '"slow"')`, [user]);
    stream.poke();
    await settle(200);
    expect(events()).toEqual([]);
    await other.query('COMMIT');
    await settle(700);
    expect(events().map((event) => event.payload)).toEqual(['slow', 'fast']);
  });
});

describe('NotificationsService.takeCreatedAfter (notificationDataRequest with receivedAfter)', () => {
  let prisma: PrismaService;
  let notifications: NotificationsService;

  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL: await createTestDatabase(), MIGRATE_ON_START: 'false' });
    prisma = new PrismaService(await DatabaseServer.start(config));
    notifications = new NotificationsService(new NotificationsRepository(prisma), config, new UnseenChangesPublisher(new UnseenChangesRepository(prisma)));
  });
  afterAll(() => prisma.close());

  it('answers the newest `limit` seen and unseen ones, and marks seen only the unseen ones it answered', async () => {
    const user = newUser();
    const start = new Date(Date.now() - 1000);
    const [older] = await notifications.createEach([{ userId: user, data: 'older unseen' }]);
    await settle(5);
    await notifications.createEach([{ userId: user, data: 'seen' }]);
    await notifications.takeUnseen(user, 1);
    await settle(5);
    await notifications.createEach([{ userId: user, data: 'newest unseen' }]);

    const answer = await notifications.takeCreatedAfter(user, start, 2);
    expect(answer.map((record) => record.data)).toEqual(['newest unseen', 'seen']);
    expect(answer.every((record) => record.seenAt !== null)).toBe(true);
    expect(await notifications.unseenCount(user)).toBe(1);
    const [stillUnseen] = await notifications.takeUnseen(user, 10);
    expect(stillUnseen.id).toBe(older.id);
  });

  it('leaves out notifications created at or before receivedAfter', async () => {
    const user = newUser();
    const [first] = await notifications.createEach([{ userId: user, data: 'first' }]);
    expect(await notifications.takeCreatedAfter(user, first.createdAt, 10)).toEqual([]);
    expect(await notifications.unseenCount(user)).toBe(1);
  });
});
