import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from '../src/database/migrator';
import { auth, startApp, type RunningApp } from './support/app';
import { expectServerBuilt } from './support/build';
import type { Device } from './support/device';
import { connectCounted, unseenCount } from './support/devices';
import { startEmbeddedPostgresProcess, type EmbeddedPostgresProcess } from './support/embedded-postgres-process';
import { newUser } from './support/factories';
import { eventually } from './support/waiters';

jest.setTimeout(180_000);

const quiet = { log: () => undefined, warn: () => undefined } as never;
const WRITERS = 20;
const OUTAGE_MS = 5_000;

interface Answer {
  status: number;
  retryAfter: string | null;
  ms: number;
  id?: string;
}

/** PostgreSQL stopped for 5 s under 20 concurrent writers: refusals are quick 503s, and nothing acknowledged is lost. */
describe('a database outage under load', () => {
  let build: string;
  let dataDir: string;
  let database: EmbeddedPostgresProcess;
  let pns: RunningApp;
  const devices: Device[] = [];

  beforeAll(async () => {
    build = await expectServerBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'pns-outage-'));
    await chmod(dataDir, 0o755);
    database = await startEmbeddedPostgresProcess(build, dataDir);
    await applyMigrations(database.url, 'prisma/migrations', quiet);
    pns = await startApp(database.url);
  });
  afterAll(async () => {
    devices.forEach((device) => device.close());
    await pns?.close();
    await database?.stop();
  });

  async function post(userId: string, i: number): Promise<Answer> {
    const started = performance.now();
    const response = await fetch(`${pns.baseUrl}/api/notifications`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId, data: { i } }),
    });
    const body = (await response.json()) as { notifications?: { id: string }[] };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), ms: performance.now() - started, id: body.notifications?.[0].id };
  }

  it('answers every refused POST 503 with Retry-After within 1 s, keeps every 201, and devices end with true counts', async () => {
    const users = Array.from({ length: WRITERS }, () => newUser());
    for (const user of users.slice(0, 5)) devices.push(await connectCounted(pns, user));

    const answers: Answer[][] = users.map(() => []);
    let stopWriting = false;
    const writers = users.map(async (user, writer) => {
      for (let i = 0; !stopWriting; i += 1) answers[writer].push(await post(user, i));
    });
    const acked = () => answers.flat().filter((answer) => answer.status === 201).length;

    await eventually(() => acked() >= 100, 'writes before the outage');
    await database.stop();
    const downSince = performance.now();
    await eventually(() => answers.flat().filter((answer) => answer.status === 503).length >= WRITERS, 'refusals while the database is down');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (performance.now() - downSince))));
    database = await startEmbeddedPostgresProcess(build, dataDir, database.port);
    const ackedBeforeRecovery = acked();
    await eventually(() => acked() >= ackedBeforeRecovery + 100, 'writes after the outage', 60_000);
    stopWriting = true;
    await Promise.all(writers);

    const refused = answers.flat().filter((answer) => answer.status !== 201);
    expect(refused.length).toBeGreaterThanOrEqual(WRITERS);
    expect(new Set(refused.map((answer) => answer.status))).toEqual(new Set([503]));
    expect(refused.filter((answer) => answer.retryAfter === null)).toEqual([]);
    expect(Math.max(...refused.map((answer) => answer.ms))).toBeLessThan(1_000);

    for (const [writer, user] of users.entries()) {
      const response = await fetch(`${pns.baseUrl}/api/users/${user}/notifications?limit=500`, { headers: auth });
      const stored = new Set(((await response.json()) as { items: { id: string }[] }).items.map((item) => item.id));
      const ackedIds = answers[writer].filter((answer) => answer.status === 201).map((answer) => answer.id!);
      expect(ackedIds.filter((id) => !stored.has(id))).toEqual([]);
    }
    for (const [index, device] of devices.entries()) {
      const count = await unseenCount(pns, users[index]);
      await device.waitForCount(count, 30_000);
    }
  });
});
