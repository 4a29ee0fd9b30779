import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { auth } from './support/app';
import { connectCounted } from './support/devices';
import { newUser } from './support/factories';
import { startServerProcess, stopServerProcesses, type ServerProcess } from './support/server-process';
import { DEADLINE_MS, pollUntil } from './support/waiters';

jest.setTimeout(120_000);
// A replacement worker boots a whole instance, as a server process does (which may take 30 s to start).
const RESTART_DEADLINE_MS = 30_000;
afterEach(stopServerProcesses);

/** One POST on a connection of its own, so that the primary may hand it to any worker; returns the worker that answered. */
async function postOnFreshConnection(server: ServerProcess, userId: string, data: unknown): Promise<string> {
  const response = await request(server.baseUrl).post('/api/notifications').set(auth).set('Connection', 'close').send({ userId, data }).expect(201);
  return response.headers['x-pns-worker'];
}

/** The worker processes of a primary, from /proc: its children that run pns (the others are PostgreSQL's). */
async function workerPids(primary: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const [stat, cmdline] = await Promise.all([readFile(`/proc/${entry}/stat`, 'utf8'), readFile(`/proc/${entry}/cmdline`, 'utf8')]).catch(() => ['', '']);
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === primary && cmdline.includes('main.js')) pids.push(Number(entry));
  }
  return pids;
}

/** The worker that answers a health check on a fresh connection; undefined if none answers in time. */
function answeringWorker(server: ServerProcess): Promise<string | undefined> {
  return request(server.baseUrl)
    .get('/health/live')
    .set('Connection', 'close')
    .timeout(5_000)
    .then(
      (response) => response.headers['x-pns-worker'],
      () => undefined,
    );
}

function exitWithin(server: ServerProcess, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`pns did not exit within ${ms} ms of SIGTERM:\n${server.output()}`)), ms);
  });
  return Promise.race([server.exited, late]).finally(() => clearTimeout(timer));
}

describe('WORKERS=2', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pns-workers-'));
    await chmod(dataDir, 0o755);
  });
  // The servers first (this hook runs before the file-level one), then their data.
  afterEach(async () => {
    await stopServerProcesses();
    await rm(dataDir, { recursive: true, force: true });
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
    await pollUntil(() => answeringWorker(server), (worker) => worker === '3', 'an answer from the restarted worker', RESTART_DEADLINE_MS);

    const user = newUser();
    const devices = await Promise.all([connectCounted(server, user), connectCounted(server, user)]);
    server.child.kill('SIGTERM');
    expect(await exitWithin(server, DEADLINE_MS)).toBe(0);
    // Each worker closed its devices as a draining server does (1001 going away), none was cut off.
    expect(await Promise.all(devices.map((device) => device.waitForClose()))).toEqual([1001, 1001]);
    expect(server.output()).toMatch(/worker \d+ \(pid \d+\) exited with SIGKILL; starting another/);
    await expect(stat(join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow(/ENOENT/);
  });
});
