import { newNotification, newUser } from '../../../test/support/factories';
import { TestContext } from '../../../test/support/test-context';
import { eventually } from '../../../test/support/waiters';
import { Bus } from '../../bus/bus';
import { UnseenChangesPublisher } from '../../bus/unseen-changes.publisher';
import { UnseenChangesRepository } from '../../bus/unseen-changes.repository';
import { InboxFeedRepository, type Feed, type FeedRequest } from '../../inbox/inbox-feed.repository';
import { NotificationsModule } from '../../notifications/notifications.module';
import { NotificationsService } from '../../notifications/notifications.service';
import type { DeviceConnection } from './device-connection';
import { DeviceRegistry } from './device-registry';
import type { PushedFrame } from './frames';
import { InboxDelivery } from './inbox-delivery';

/** The real repository on the real database, which can hold an answer back once it has read it. */
class HeldFeed extends InboxFeedRepository {
  readonly reads: FeedRequest[][] = [];
  /** True while an answer already read is held back. */
  holding = false;
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  failNext = false;

  holdNextAnswer(): void {
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  releaseAnswer(): void {
    this.release?.();
    this.held = undefined;
  }

  override async read(requests: readonly FeedRequest[], pageSize: number): Promise<Map<string, Feed>> {
    this.reads.push([...requests]);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database unavailable');
    }
    const feeds = await super.read(requests, pageSize);
    if (this.held) {
      this.holding = true;
      await this.held;
      this.holding = false;
    }
    return feeds;
  }
}

/** A connection that records the frames sent to it. */
function recordingConnection(): DeviceConnection & { frames: PushedFrame[]; counts: number[] } {
  const frames: PushedFrame[] = [];
  const connection = {
    frames,
    get counts() {
      return frames.flatMap((frame) => ('newNotificationCountChanged' in frame ? [frame.newNotificationCountChanged] : []));
    },
    send: ({ frame }: { frame: unknown }) => frames.push(frame as PushedFrame),
    close: () => undefined,
    // Reads everything at once: never over the registry's buffer cap.
    bufferedBytes: 0,
  };
  return connection;
}

describe('InboxDelivery', () => {
  let context: TestContext;
  let notifications: NotificationsService;
  let feed: HeldFeed;
  let registry: DeviceRegistry;
  let bus: Bus;
  /** This instance's own announcer, which the spec calls itself (the notifications service's is another). */
  let announcer: UnseenChangesPublisher;
  let delivery: InboxDelivery;

  const post = (userId: string) => newNotification(notifications, userId);
  const everyCounted = (sockets: { frames: unknown[] }[]) => () => sockets.every((socket) => socket.frames.length > 0);
  const connected = (userId: string, subscription: { protocol: 1 } | { protocol: 2; since?: number } = { protocol: 1 }) => {
    const connection = recordingConnection();
    registry.add(connection, userId);
    delivery.connected(connection, userId, subscription);
    return connection;
  };

  beforeAll(async () => {
    context = await TestContext.start({ imports: [NotificationsModule], providers: [HeldFeed] });
    notifications = context.get(NotificationsService);
    feed = context.get(HeldFeed);
    // Never connected: the spec plays the bus's events itself.
    bus = new Bus(context.server);
  });
  beforeEach(() => {
    registry = new DeviceRegistry();
    feed.reads.length = 0;
    bus.removeAllListeners();
    announcer = new UnseenChangesPublisher(context.get(UnseenChangesRepository));
    delivery = new InboxDelivery(registry, feed, bus, announcer, context.config);
  });
  afterEach(() => delivery.onModuleDestroy());
  afterAll(() => context.close());

  it('reads a user marked during a flush again in the next flush, so the last count sent is the latest', async () => {
    const user = newUser();
    await post(user);
    feed.holdNextAnswer();
    const socket = connected(user);
    await eventually(() => feed.holding, 'the flush to hold back the count it read');
    // The flush has read 1 and is held; the count changes meanwhile.
    await post(user);
    bus.emit('unseenChanged', user, undefined);
    feed.releaseAnswer();
    await eventually(() => socket.counts.includes(2), 'the count read by the next flush');
    expect(socket.frames).toEqual([
      { newNotificationCountChanged: 1, version: 1 },
      { newNotificationCountChanged: 2, version: 2 },
    ]);
  });

  it('reads all dirty users in one query and sends each its own count on each of its sockets', async () => {
    const [first, second, unconnected] = [newUser(), newUser(), newUser()];
    await post(first);
    await post(first);
    await post(unconnected);
    feed.holdNextAnswer();
    const sockets = [connected(first), connected(first), connected(second)];
    await eventually(() => feed.holding, 'the first flush');
    for (const userId of [first, second, unconnected, first]) bus.emit('unseenChanged', userId, undefined);
    feed.releaseAnswer();
    await eventually(() => feed.reads.length === 2 && sockets.every((socket) => socket.frames.length === 2), 'two counts on every socket');
    expect(feed.reads[1]).toEqual([
      { userId: first, after: null, categories: false },
      { userId: second, after: null, categories: false },
    ]);
    expect(sockets.map((socket) => socket.counts)).toEqual([
      [2, 2],
      [2, 2],
      [0, 0],
    ]);
  });

  it('on a resync, sends every connected user its count', async () => {
    const [first, second] = [newUser(), newUser()];
    const sockets = [connected(first), connected(second)];
    await eventually(everyCounted(sockets), 'the first count on every socket');
    await post(second);
    bus.emit('resync');
    await eventually(() => sockets.every((socket) => socket.frames.length === 2), 'a second count on every socket');
    expect(sockets.map((socket) => socket.counts)).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it('retries the users of a failed read', async () => {
    const user = newUser();
    await post(user);
    feed.failNext = true;
    const socket = connected(user);
    await eventually(() => socket.frames.length > 0, 'the count of the retried read');
    // Read twice (the failure, then the retry), and only the retry's count sent.
    expect(feed.reads).toEqual([[{ userId: user, after: null, categories: false }], [{ userId: user, after: null, categories: false }]]);
    expect(socket.counts).toEqual([1]);
  });

  it('on protocol 2, sends each connection the changes above its own version, then the counts, reading from the lowest version once', async () => {
    const user = newUser();
    const created = [await post(user), await post(user), await post(user)];
    const live = connected(user, { protocol: 2 });
    await eventually(() => live.frames.length > 0, 'the first counts');
    expect(live.frames).toEqual([{ counts: { version: 3, unseen: 3, unread: 3, total: 3, categories: {} } }]);

    feed.holdNextAnswer();
    const resumed = [connected(user, { protocol: 2, since: 1 }), connected(user, { protocol: 2, since: 2 })];
    await eventually(() => feed.holding, 'the read for the resumed connections');
    feed.releaseAnswer();
    await post(user);
    bus.emit('unseenChanged', user, undefined);
    await eventually(() => [live, ...resumed].every((socket) => socket.frames.at(-1)?.hasOwnProperty('counts') && (socket.frames.at(-1) as { counts: { version: number } }).counts.version === 4), 'version 4 everywhere');

    const versions = (socket: { frames: PushedFrame[] }) => socket.frames.map((frame) => ('change' in frame ? `change ${frame.change.version}` : 'counts' in frame ? `counts ${frame.counts.version}` : JSON.stringify(frame)));
    expect(versions(live)).toEqual(['counts 3', 'change 4', 'counts 4']);
    expect(versions(resumed[0])).toEqual(['change 2', 'change 3', 'counts 3', 'change 4', 'counts 4']);
    expect(versions(resumed[1])).toEqual(['change 3', 'counts 3', 'change 4', 'counts 4']);
    const [firstChange] = resumed[0].frames as { change: { type: string; ids: string[]; items: { id: string }[] } }[];
    expect(firstChange.change).toMatchObject({ type: 'created', ids: [created[1].id], items: [{ id: created[1].id }] });
    // The resumed connections' changes were read once, from the lower of their versions.
    expect(feed.reads.map((reads) => reads.map((read) => read.after))).toContainEqual([1]);
  });

  it("sends protocol 1 the count its own announcement read, without a read of delivery's own", async () => {
    const user = newUser();
    const sockets = [connected(user), connected(user)];
    await eventually(everyCounted(sockets), 'the first count on every socket');
    const reads = feed.reads.length;
    await post(user);
    await post(user);
    announcer.publish([user]);
    await eventually(() => sockets.every((socket) => socket.frames.length === 2), 'the announced count on every socket');
    expect(sockets.map((socket) => socket.frames)).toEqual([
      [{ newNotificationCountChanged: 0, version: 0 }, { newNotificationCountChanged: 2, version: 2 }],
      [{ newNotificationCountChanged: 0, version: 0 }, { newNotificationCountChanged: 2, version: 2 }],
    ]);
    expect(feed.reads.length).toBe(reads);
  });

  it('never sends a count older than one a connection has, however the announcements and reads cross', async () => {
    const user = newUser();
    const socket = connected(user);
    await eventually(() => socket.frames.length === 1, 'the first count');
    await post(user);
    await post(user);
    // A read that answers version 2 is held back while announcements of 2 and then 1 arrive.
    feed.holdNextAnswer();
    bus.emit('resync');
    await eventually(() => feed.holding, 'the read of version 2 held back');
    bus.emit('unseenChanged', user, { version: 2, unseen: 2 });
    bus.emit('unseenChanged', user, { version: 1, unseen: 1 });
    feed.releaseAnswer();
    // Then a newer one, which every earlier frame was sent before.
    await post(user);
    bus.emit('unseenChanged', user, { version: 3, unseen: 3 });
    await eventually(() => socket.counts.includes(3), 'the count of version 3');
    const versions = socket.frames.map((frame) => ('version' in frame ? frame.version : undefined));
    expect(versions).toEqual([0, 2, 2, 3]);
  });

  it('reads, rather than takes the announced count, for protocol 2 and for a connection still waiting for its first count', async () => {
    const user = newUser();
    await post(user);
    feed.holdNextAnswer();
    const waiting = connected(user);
    await eventually(() => feed.holding, 'the read of the first count held back');
    await post(user);
    bus.emit('unseenChanged', user, { version: 2, unseen: 2 });
    expect(waiting.frames).toEqual([]);
    feed.releaseAnswer();
    await eventually(() => waiting.counts.includes(2), 'the count read again after the announcement');
    expect(waiting.counts).toEqual([1, 2]);

    const live = connected(user, { protocol: 2 });
    await eventually(() => live.frames.length > 0, 'the first counts');
    const reads = feed.reads.length;
    await post(user);
    bus.emit('unseenChanged', user, { version: 3, unseen: 3 });
    await eventually(() => live.frames.some((frame) => 'change' in frame), 'the change read for protocol 2');
    expect(feed.reads.length).toBeGreaterThan(reads);
    expect(waiting.counts.at(-1)).toBe(3);
  });
});
