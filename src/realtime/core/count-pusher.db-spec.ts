import { newNotification, newUser } from '../../../test/support/factories';
import { TestContext } from '../../../test/support/test-context';
import { eventually } from '../../../test/support/waiters';
import { Bus } from '../../bus/bus';
import { NotificationsModule } from '../../notifications/notifications.module';
import { NotificationsService } from '../../notifications/notifications.service';
import { CountPusher } from './count-pusher';
import type { DeviceConnection } from './device-connection';
import { DeviceRegistry } from './device-registry';
import type { CountFrame } from './frames';

/** The real service on the real database, which can hold an answer back once it has read it. */
class HeldNotifications extends NotificationsService {
  readonly reads: string[][] = [];
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

  override async unseenCounts(userIds: readonly string[]): Promise<Map<string, number>> {
    this.reads.push([...userIds]);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database unavailable');
    }
    const counts = await super.unseenCounts(userIds);
    if (this.held) {
      this.holding = true;
      await this.held;
      this.holding = false;
    }
    return counts;
  }
}

/** A connection that records the counts sent to it. */
function recordingConnection(): DeviceConnection & { counts: number[] } {
  const counts: number[] = [];
  return { counts, bufferedBytes: 0, send: ({ frame }) => counts.push((frame as CountFrame).newNotificationCountChanged), close: () => undefined };
}

describe('CountPusher', () => {
  let context: TestContext;
  let notifications: HeldNotifications;
  let registry: DeviceRegistry;
  let bus: Bus;
  let pusher: CountPusher;

  const post = (userId: string) => newNotification(notifications, userId);
  const everyCounted = (sockets: { counts: number[] }[]) => () => sockets.every((socket) => socket.counts.length > 0);
  const connected = (userId: string) => {
    const connection = recordingConnection();
    registry.add(connection, userId);
    return connection;
  };

  beforeAll(async () => {
    context = await TestContext.start({
      imports: [NotificationsModule],
      override: (builder) => builder.overrideProvider(NotificationsService).useClass(HeldNotifications),
    });
    notifications = context.get(NotificationsService) as HeldNotifications;
    // Never connected: the spec plays the bus's events itself.
    bus = new Bus(context.server);
  });
  beforeEach(() => {
    registry = new DeviceRegistry();
    notifications.reads.length = 0;
    bus.removeAllListeners();
    pusher = new CountPusher(registry, notifications, bus, context.config);
  });
  afterEach(() => pusher.onModuleDestroy());
  afterAll(() => context.close());

  it('reads a user marked during a flush again in the next flush, so the last count sent is the latest', async () => {
    const user = newUser();
    const socket = connected(user);
    await post(user);
    notifications.holdNextAnswer();
    bus.emit('unseenChanged', user);
    await eventually(() => notifications.holding, 'the flush to hold back the count it read');
    // The flush has read 1 and is held; the count changes meanwhile.
    await post(user);
    bus.emit('unseenChanged', user);
    notifications.releaseAnswer();
    await eventually(() => socket.counts.includes(2), 'the count read by the next flush');
    expect(socket.counts).toEqual([1, 2]);
  });

  it('reads all dirty users in one query and sends each its own count on each of its sockets', async () => {
    const [first, second, unconnected] = [newUser(), newUser(), newUser()];
    const sockets = [connected(first), connected(first), connected(second)];
    await post(first);
    await post(first);
    await post(unconnected);
    for (const userId of [first, second, unconnected, first]) bus.emit('unseenChanged', userId);
    await eventually(everyCounted(sockets), 'a count on every socket');
    expect(notifications.reads).toEqual([[first, second]]);
    expect(sockets.map((socket) => socket.counts)).toEqual([[2], [2], [0]]);
  });

  it('on a resync, sends every connected user its count', async () => {
    const [first, second] = [newUser(), newUser()];
    const sockets = [connected(first), connected(second)];
    await post(second);
    bus.emit('resync');
    await eventually(everyCounted(sockets), 'a count on every socket');
    expect(sockets.map((socket) => socket.counts)).toEqual([[0], [1]]);
  });

  it('retries the users of a failed read', async () => {
    const user = newUser();
    const socket = connected(user);
    await post(user);
    notifications.failNext = true;
    bus.emit('unseenChanged', user);
    await eventually(() => socket.counts.length > 0, 'the count of the retried read');
    // Read twice (the failure, then the retry), and only the retry's count sent.
    expect(notifications.reads).toEqual([[user], [user]]);
    expect(socket.counts).toEqual([1]);
  });
});
