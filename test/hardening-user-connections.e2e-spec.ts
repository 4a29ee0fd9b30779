import pg from 'pg';
import { startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { DatabaseClient } from './support/database-client';
import type { Device } from './support/device';
import { connectCounted, connectDevice, postNotification, registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { pollUntil } from './support/waiters';

const MAX_PER_USER = 2;

/** MAX_CONNECTIONS_PER_USER holds across instances (docs/protocol.md, Heartbeats and limits). */
describe('a user’s connections on several instances', () => {
  let a: RunningApp;
  let b: RunningApp;
  let databaseUrl: string;
  let database: DatabaseClient;
  const devices: Device[] = [];
  const connect = async (pns: RunningApp, userId: string, ticket: string) => {
    const device = await connectCounted(pns, userId, { ticket });
    devices.push(device);
    return device;
  };
  // Each instance records its users' connections after they open; the test waits for that.
  const recorded = (userId: string, connections: number) => pollUntil(() => database.recordedConnections(userId), (count) => count === connections, `${connections} connections of ${userId} recorded`);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    [a, b] = await Promise.all([startApp(databaseUrl, { MAX_CONNECTIONS_PER_USER: String(MAX_PER_USER) }), startApp(databaseUrl, { MAX_CONNECTIONS_PER_USER: String(MAX_PER_USER) })]);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    database = new DatabaseClient(client);
  });
  afterEach(() => devices.splice(0).forEach((device) => device.close()));
  afterAll(async () => {
    await database.end();
    await Promise.all([a.close(), b.close()]);
  });

  it('closes the connection past the cap with 1008, on whichever instance it opened, and keeps the others', async () => {
    const user = newUser();
    const ticket = await registerTicket(a, user);
    const first = await connect(a, user, ticket);
    const second = await connect(b, user, ticket);
    await recorded(user, MAX_PER_USER);

    // Within each instance's own cap, over the user's across both: it may be closed before its first frame.
    const third = await connectDevice(a, user, { ticket });
    devices.push(third);
    expect(await third.waitForClose()).toBe(1008);
    await recorded(user, MAX_PER_USER);
    await postNotification(a, user, 'the two first still hear');
    await Promise.all([first.waitForCount(1), second.waitForCount(1)]);
    expect([first.closeCode, second.closeCode]).toEqual([undefined, undefined]);

    // Once one leaves, another may come, on either instance, and stays.
    second.close();
    await recorded(user, MAX_PER_USER - 1);
    const replacement = await connect(b, user, ticket);
    await recorded(user, MAX_PER_USER);
    await postNotification(b, user, 'heard by the replacement');
    await Promise.all([first.waitForCount(2), replacement.waitForCount(2)]);
    expect([first.closeCode, replacement.closeCode]).toEqual([undefined, undefined]);
  });

  it('counts a stopped instance’s connections no more', async () => {
    const user = newUser();
    const ticket = await registerTicket(a, user);
    const c = await startApp(databaseUrl, { MAX_CONNECTIONS_PER_USER: String(MAX_PER_USER) });
    await connect(c, user, ticket);
    await connect(c, user, ticket);
    await recorded(user, MAX_PER_USER);
    await c.close();
    await recorded(user, 0);
    const onA = await connect(a, user, ticket);
    await recorded(user, 1);
    await postNotification(a, user, 'heard');
    await onA.waitForCount(1);
    expect(onA.closeCode).toBeUndefined();
  });
});
