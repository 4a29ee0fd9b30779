import pg from 'pg';
import { createTestDatabase } from '../../test/support/database';
import { newUser } from '../../test/support/factories';
import { loadConfig } from '../config/config.schema';
import { DatabaseServer } from '../database/database-server';
import { Bus, BUS_APPLICATION_NAME_PREFIX, type BusEvents } from './bus';

function nextEvent<K extends keyof BusEvents>(bus: Bus, event: K, timeoutMs = 5000): Promise<BusEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const listener = (...args: BusEvents[K]) => {
      clearTimeout(timer);
      resolve(args);
    };
    bus.once(event, listener as never);
  });
}

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Bus', () => {
  let url: string;
  let sql: pg.Client;
  const buses: Bus[] = [];

  async function startBus(): Promise<Bus> {
    const bus = new Bus(await DatabaseServer.start(loadConfig({ DATABASE_URL: url, MIGRATE_ON_START: 'false' })));
    await bus.onModuleInit();
    buses.push(bus);
    return bus;
  }

  beforeAll(async () => {
    url = await createTestDatabase();
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });
  afterEach(() => Promise.all(buses.splice(0).map((bus) => bus.onModuleDestroy())));
  afterAll(() => sql.end());

  it('hears a changed unseen count only once the transaction commits', async () => {
    const bus = await startBus();
    const user = newUser();
    const heard: string[] = [];
    bus.on('unseenChanged', (userId) => heard.push(userId));

    await sql.query('BEGIN');
    await sql.query(`INSERT INTO notifications (user_id, data) VALUES ($1, '{}')`, [user]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toEqual([]);
    const committed = nextEvent(bus, 'unseenChanged');
    await sql.query('COMMIT');
    expect(await committed).toEqual([user]);
  });

  it('carries control messages to every instance, and ignores malformed ones', async () => {
    const [first, second] = [await startBus(), await startBus()];
    const heardBySecond = nextEvent(second, 'control');
    const heardByFirst = nextEvent(first, 'control');
    await sql.query(`SELECT pg_notify('pns_connection_control', '{"type":"drop","requestId":"bogus"}')`);
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
    await until(async () => (await first.liveInstances()) === 1);
  });

  it('reconnects after losing its connection, reports a resync, and hears again', async () => {
    const bus = await startBus();
    const resync = nextEvent(bus, 'resync');
    const { rowCount } = await sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
      `${BUS_APPLICATION_NAME_PREFIX}${bus.instanceId}`,
    ]);
    expect(rowCount).toBe(1);
    await resync;

    const user = newUser();
    const heard = nextEvent(bus, 'unseenChanged');
    await sql.query(`INSERT INTO notifications (user_id, data) VALUES ($1, '{}')`, [user]);
    expect(await heard).toEqual([user]);
  });
});
