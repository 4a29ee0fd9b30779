import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { auth } from './support/app';
import { createTestDatabase } from './support/database';
import { connectDevice } from './support/devices';
import { newUser } from './support/factories';
import { startServerProcess, stopServerProcesses, type ServerProcess } from './support/server-process';
import { eventually } from './support/waiters';

jest.setTimeout(90_000);
afterEach(stopServerProcesses);

/** POSTs one notification a time, concurrently, until stopped; returns the acknowledged ids. */
function postUntilStopped(baseUrl: string, userId: string, concurrency: number) {
  const acknowledged: string[] = [];
  let stopped = false;
  const worker = async () => {
    while (!stopped) {
      try {
        const response = await request(baseUrl).post('/api/notifications').set(auth).send({ userId, data: { n: acknowledged.length } });
        if (response.status === 201) acknowledged.push(response.body.notifications[0].id);
      } catch {
        return; // the server went away: anything not acknowledged may or may not be stored
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    acknowledged,
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

async function expectNothingLost(server: ServerProcess, userId: string, acknowledged: string[]): Promise<void> {
  const stored = new Set<string>();
  let cursor: string | null = null;
  do {
    const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await request(server.baseUrl)
      .get(`/api/users/${encodeURIComponent(userId)}/notifications`)
      .query({ limit: 500, ...(cursor ? { cursor } : {}) })
      .set(auth)
      .expect(200);
    page.body.items.forEach((item) => stored.add(item.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

  // The count a reconnecting device hears first is the database's, not anything remembered.
  const device = await connectDevice(server, userId);
  const first = await device.nextFrame(() => true, { since: 0 });
  expect(first).toEqual({ newNotificationCountChanged: stored.size, version: expect.any(Number) });
  device.close();
}

// Killed, the process leaves its sockets to the kernel: no close frame (1006). Stopped, it says it is going away (1001).
describe.each([
  ['SIGKILL', 1006],
  ['SIGTERM', 1001],
] as const)('a restart after %s on the same database', (signal, closeCode) => {
  it('loses nothing acknowledged, and a reconnecting device first hears the right count', async () => {
    const databaseUrl = await createTestDatabase();
    const userId = newUser();
    const first = await startServerProcess({ DATABASE_URL: databaseUrl });
    const device = await connectDevice(first, userId);

    const load = postUntilStopped(first.baseUrl, userId, 8);
    await eventually(() => load.acknowledged.length >= 100, '100 acknowledged notifications');
    first.child.kill(signal);
    await first.exited;
    await load.stop();
    expect(await device.waitForClose()).toBe(closeCode);

    const second = await startServerProcess({ DATABASE_URL: databaseUrl });
    try {
      await expectNothingLost(second, userId, load.acknowledged);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});

describe('the embedded database across a SIGKILL', () => {
  it('is adopted by the next start, with every acknowledged notification, and stopped by it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pns-restart-'));
    await chmod(dataDir, 0o755);
    const userId = newUser();
    const first = await startServerProcess({ DATA_DIR: dataDir });
    const load = postUntilStopped(first.baseUrl, userId, 4);
    await eventually(() => load.acknowledged.length >= 50, '50 acknowledged notifications');
    first.child.kill('SIGKILL');
    await first.exited;
    await load.stop();

    const second = await startServerProcess({ DATA_DIR: dataDir });
    try {
      expect(second.output()).toMatch(/adopted the embedded PostgreSQL/);
      await expectNothingLost(second, userId, load.acknowledged);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    // The adopted server was stopped with pns: a third start starts (not attaches to) one.
    const third = await startServerProcess({ DATA_DIR: dataDir });
    expect(third.output()).toMatch(/embedded PostgreSQL started/);
    third.child.kill('SIGTERM');
    await third.exited;
  });
});
