import { execFile } from 'node:child_process';
import { chmod, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { auth } from './support/app';
import { connectCounted } from './support/devices';
import { newUser } from './support/factories';
import { startServerProcess, stopServerProcesses, type ServerProcess } from './support/server-process';
import { pollUntil } from './support/waiters';

jest.setTimeout(120_000);
afterEach(stopServerProcesses);

/** One POST on a connection of its own, so that the primary may hand it to any worker; returns the worker that answered. */
async function postOnFreshConnection(server: ServerProcess, userId: string, data: unknown): Promise<string> {
  const response = await request(server.baseUrl).post('/api/notifications').set(auth).set('Connection', 'close').send({ userId, data }).expect(201);
  return response.headers['x-pns-worker'];
}

/** The worker processes of a primary: its children that run pns (the others are PostgreSQL's). */
async function workerPids(primary: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)('pgrep', ['-P', String(primary), '-f', 'main.js']).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean).map(Number);
}

describe('WORKERS=2', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pns-workers-'));
    await chmod(dataDir, 0o755);
  });

  it('serves on two workers sharing one embedded PostgreSQL: a notification posted to either reaches a device on the other', async () => {
    const server = await startServerProcess({ WORKERS: '2', DATA_DIR: dataDir });
    const user = newUser();
    const device = await connectCounted(server, user);

    // The device lives on one worker; once both have taken a post, one of them was the other worker.
    const answered = new Set<string>();
    let posted = 0;
    await pollUntil(
      async () => answered.add(await postOnFreshConnection(server, user, ++posted)),
      (workers) => workers.size === 2,
      'posts answered by both workers',
    );
    expect([...answered].sort()).toEqual(['1', '2']);
    await device.waitForCount(posted);
    // Migrated once, by the primary, before any worker started.
    expect(server.output().match(/applied migration \S+_init/g)).toHaveLength(1);
  });

  it('restarts a worker that dies, and on SIGTERM drains every worker, stops the database and exits 0', async () => {
    const server = await startServerProcess({ WORKERS: '2', DATA_DIR: dataDir });
    const pids = await pollUntil(() => workerPids(server.child.pid!), (found) => found.length === 2, 'two worker processes');
    process.kill(pids[0], 'SIGKILL');
    // The replacement is worker 3: the primary numbers every worker it forks.
    await pollUntil(() => request(server.baseUrl).get('/health/ready').set('Connection', 'close').then((response) => response.headers['x-pns-worker']), (worker) => worker === '3', 'an answer from the restarted worker');

    const user = newUser();
    const devices = await Promise.all([connectCounted(server, user), connectCounted(server, user)]);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // Each worker closed its devices as a draining server does (1001 going away), none was cut off.
    expect(await Promise.all(devices.map((device) => device.waitForClose()))).toEqual([1001, 1001]);
    expect(server.output()).toMatch(/worker \d+ \(pid \d+\) exited with SIGKILL; starting another/);
    await expect(stat(join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow(/ENOENT/);
  });
});
