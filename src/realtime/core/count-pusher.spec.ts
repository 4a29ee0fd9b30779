import { createTestDatabase } from '../../../test/support/database';
import { newUser } from '../../../test/support/factories';
import { Bus } from '../../bus/bus';
import type { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/config.schema';
import { DatabaseServer } from '../../database/database-server';
import { PrismaService } from '../../database/prisma.service';
import { NotificationsRepository } from '../../notifications/notifications.repository';
import { UnseenChangesPublisher } from '../../bus/unseen-changes.publisher';
import { UnseenChangesRepository } from '../../bus/unseen-changes.repository';
import { NotificationsService } from '../../notifications/notifications.service';
import { CountPusher } from './count-pusher';
import type { DeviceConnection } from './device-connection';
import { DeviceRegistry } from './device-registry';
import type { CountFrame } from './frames';

/** The real service on the real database, which can hold an answer back once it has read it. */
class HeldNotifications extends NotificationsService {
  readonly reads: string[][] = [];
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
    await this.held;
    return counts;
  }
}

/** A connection that records the counts sent to it. */
function recordingConnection(): DeviceConnection & { counts: number[] } {
  const counts: number[] = [];
  return { counts, send: ({ frame }) => counts.push((frame as CountFrame).newNotificationCountChanged), close: () => undefined };
}

const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CountPusher', () => {
  let prisma: PrismaService;
  let notifications: HeldNotifications;
  let registry: DeviceRegistry;
  let bus: Bus;
  let pusher: CountPusher;
  let config: AppConfig;

  const post = (userId: string) => notifications.create({ userIds: [userId], data: {} });
  const connected = (userId: string) => {
    const connection = recordingConnection();
    registry.add(connection, userId);
    return connection;
  };

  beforeAll(async () => {
    config = loadConfig({ DATABASE_URL: await createTestDatabase(), MIGRATE_ON_START: 'false' });
    const server = await DatabaseServer.start(config);
    prisma = new PrismaService(server);
    notifications = new HeldNotifications(new NotificationsRepository(prisma), config, new UnseenChangesPublisher(new UnseenChangesRepository(prisma)));
    // Never connected: the spec plays the bus's events itself.
    bus = new Bus(server);
  });
  beforeEach(() => {
    registry = new DeviceRegistry();
    notifications.reads.length = 0;
    bus.removeAllListeners();
    pusher = new CountPusher(registry, notifications, bus, config);
  });
  afterEach(() => pusher.onModuleDestroy());
  afterAll(() => prisma.close());

  it('reads a user marked during a flush again in the next flush, so the last count sent is the latest', async () => {
    const user = newUser();
    const socket = connected(user);
    await post(user);
    notifications.holdNextAnswer();
    bus.emit('unseenChanged', user);
    await settle();
    // The flush has read 1 and is held; the count changes meanwhile.
    await post(user);
    bus.emit('unseenChanged', user);
    notifications.releaseAnswer();
    await settle();
    expect(socket.counts).toEqual([1, 2]);
  });

  it('reads all dirty users in one query and sends each its own count on each of its sockets', async () => {
    const [first, second, unconnected] = [newUser(), newUser(), newUser()];
    const sockets = [connected(first), connected(first), connected(second)];
    await post(first);
    await post(first);
    await post(unconnected);
    for (const userId of [first, second, unconnected, first]) bus.emit('unseenChanged', userId);
    await settle();
    expect(notifications.reads).toEqual([[first, second]]);
    expect(sockets.map((socket) => socket.counts)).toEqual([[2], [2], [0]]);
  });

  it('on a resync, sends every connected user its count', async () => {
    const [first, second] = [newUser(), newUser()];
    const sockets = [connected(first), connected(second)];
    await post(second);
    bus.emit('resync');
    await settle();
    expect(sockets.map((socket) => socket.counts)).toEqual([[0], [1]]);
  });

  it('retries the users of a failed read', async () => {
    const user = newUser();
    const socket = connected(user);
    await post(user);
    notifications.failNext = true;
    bus.emit('unseenChanged', user);
    await settle();
    expect(socket.counts).toEqual([]);
    await settle(1_200);
    expect(socket.counts).toEqual([1]);
  });
});
