import type { DatabaseClient } from '../../test/support/database-client';
import { newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { DEADLINE_MS, eventually } from '../../test/support/waiters';
import { Bus, BUS_APPLICATION_NAME_PREFIX, CONTROL_CHANNEL, type BusEvents } from './bus';
import { packUserIds, UNSEEN_CHANGED_CHANNEL } from './unseen-changes';

function nextEvent<K extends keyof BusEvents>(bus: Bus, event: K, timeoutMs = DEADLINE_MS): Promise<BusEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const listener = (...args: BusEvents[K]) => {
      clearTimeout(timer);
      resolve(args);
    };
    bus.once(event, listener as never);
  });
}

describe('Bus', () => {
  let context: TestContext;
  let other: DatabaseClient;
  const buses: Bus[] = [];

  /** One more instance's bus on the same database. */
  async function startBus(): Promise<Bus> {
    const bus = new Bus(context.server);
    await bus.onModuleInit();
    buses.push(bus);
    return bus;
  }

  beforeAll(async () => {
    context = await TestContext.start();
    other = await context.connect();
  });
  afterEach(() => Promise.all(buses.splice(0).map((bus) => bus.onModuleDestroy())));
  afterAll(() => context.close());

  it('hears every user a publisher announces, however many NOTIFY payloads they take', async () => {
    const bus = await startBus();
    const heard: string[] = [];
    bus.on('unseenChanged', (userId) => heard.push(userId));
    // 300 ids of ~200 bytes each need several payloads under the 8000-byte limit.
    const users = Array.from({ length: 300 }, (_, i) => `${newUser()}-${'x'.repeat(180)}-${i}`);
    await other.notify(UNSEEN_CHANGED_CHANNEL, packUserIds(users));
    await eventually(() => heard.length >= users.length, `${users.length} users heard`);
    expect(heard).toEqual(users);
  });

  it('carries control messages to every instance, and ignores malformed ones', async () => {
    const [first, second] = [await startBus(), await startBus()];
    const heardBySecond = nextEvent(second, 'control');
    const heardByFirst = nextEvent(first, 'control');
    await other.notify(CONTROL_CHANNEL, ['{"type":"drop","requestId":"bogus"}']);
    await first.publish({ type: 'drop', requestId: 'r1', userId: 'u1' });
    expect(await heardBySecond).toEqual([{ type: 'drop', requestId: 'r1', userId: 'u1' }]);
    expect(await heardByFirst).toEqual([{ type: 'drop', requestId: 'r1', userId: 'u1' }]);
  });

  it('counts the live instances on its database', async () => {
    const first = await startBus();
    expect(await first.liveInstances()).toBe(1);
    const second = await startBus();
    expect(await first.liveInstances()).toBe(2);
    await second.onModuleDestroy();
    await eventually(async () => (await first.liveInstances()) === 1, 'one live instance');
  });

  it('reconnects after losing its connection, reports a resync, and hears again', async () => {
    const bus = await startBus();
    const resync = nextEvent(bus, 'resync');
    expect(await other.terminateSessions(`${BUS_APPLICATION_NAME_PREFIX}${bus.instanceId}`)).toBe(1);
    await resync;

    const user = newUser();
    const heard = nextEvent(bus, 'unseenChanged');
    await other.notify(UNSEEN_CHANGED_CHANNEL, [user]);
    expect(await heard).toEqual([user]);
  });
});
