import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { BUS_APPLICATION_NAME_PREFIX } from '../bus/bus';
import { PresenceRepository } from './presence.repository';

/** Presence across instances, as the offline push policy reads it. */
describe('PresenceRepository', () => {
  let context: TestContext;
  let presence: PresenceRepository;
  /** A session named like a live instance's bus, as another pns instance holds one. */
  let liveBus: pg.Client;
  const liveInstance = randomUUID();

  beforeAll(async () => {
    context = await TestContext.start({ providers: [PresenceRepository] });
    presence = context.get(PresenceRepository);
    liveBus = new pg.Client({ connectionString: context.databaseUrl, application_name: `${BUS_APPLICATION_NAME_PREFIX}${liveInstance}` });
    await liveBus.connect();
  });
  afterAll(async () => {
    await liveBus.end();
    await context.close();
  });

  it('records connections per instance and a departure when the last one leaves', async () => {
    const database = await context.connect();
    const user = newUser();
    await presence.connected([user], liveInstance);
    await presence.connected([user], liveInstance);
    expect(await database.pushPresenceOf(user)).toEqual({ instances: [liveInstance], lastDisconnectedAt: null });
    await presence.disconnected([user], liveInstance);
    expect(await database.pushPresenceOf(user)).toEqual({ instances: [], lastDisconnectedAt: expect.any(Date) });
  });

  it('records many users arriving and leaving in one statement each', async () => {
    const database = await context.connect();
    const [staying, leaving] = [newUser(), newUser()];
    await presence.connected([staying, leaving], liveInstance);
    await presence.disconnected([leaving], liveInstance);
    expect(await database.pushPresenceOf(staying)).toEqual({ instances: [liveInstance], lastDisconnectedAt: null });
    expect(await database.pushPresenceOf(leaving)).toEqual({ instances: [], lastDisconnectedAt: expect.any(Date) });
  });

  it('forgets the users of instances whose bus is gone, as departed now, and keeps the live ones', async () => {
    const database = await context.connect();
    const [onDead, onLive] = [newUser(), newUser()];
    const deadInstance = randomUUID();
    await presence.connected([onDead], deadInstance);
    await presence.connected([onLive], liveInstance);
    const before = await context.databaseNow();
    await presence.forgetDeadInstances();
    const dead = await database.pushPresenceOf(onDead);
    expect(dead.instances).toEqual([]);
    expect(dead.lastDisconnectedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);
    expect(await database.pushPresenceOf(onLive)).toEqual({ instances: [liveInstance], lastDisconnectedAt: null });
  });
});
