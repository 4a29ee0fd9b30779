import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import { applyMigrations } from '../src/database/migrator';
import { RETENTION_LOCK_KEY } from '../src/retention/retention.repository';
import { RETENTION_JOB } from '../src/retention/retention.scheduler';
import { RETENTION_BATCH_SIZE, RetentionService } from '../src/retention/retention.service';
import { AgedRows } from './support/aged-rows';
import { auth, startApp, type RunningApp } from './support/app';
import { expectServerBuilt } from './support/build';
import { createTestDatabase } from './support/database';
import { connectDevice, unseenCount } from './support/devices';
import { startEmbeddedPostgresProcess } from './support/embedded-postgres-process';
import { newUser } from './support/factories';
import { LogCapture } from './support/log-capture';
import { runRetentionCli } from './support/retention-cli';
import { eventually, pollUntil } from './support/waiters';

jest.setTimeout(120_000);

const quiet = { log: () => undefined, warn: () => undefined } as never;

/** pns on a database of its own, with that database's rows at hand. */
interface Fixture {
  readonly databaseUrl: string;
  readonly pns: RunningApp;
  readonly rows: AgedRows;
  pass(): ReturnType<RetentionService['runPass']>;
  close(): Promise<void>;
}

async function startFixture(env: Record<string, string>, logger?: LogCapture): Promise<Fixture> {
  const databaseUrl = await createTestDatabase();
  const pns = await startApp(databaseUrl, env, logger);
  const rows = await AgedRows.connect(databaseUrl);
  return {
    databaseUrl,
    pns,
    rows,
    pass: () => pns.app.get(RetentionService).runPass(),
    close: async () => {
      await rows.close();
      await pns.close();
    },
  };
}

/** Waits for a scheduled pass to delete every notification of `userId`. */
async function expectDeleted(rows: AgedRows, userId: string): Promise<void> {
  expect(await pollUntil(() => rows.notificationIdsOf(userId), (ids) => ids.length === 0, `a scheduled pass to delete the notifications of ${userId}`)).toEqual([]);
}

describe('the retention policy', () => {
  let fixture: Fixture;
  afterEach(() => fixture.close());

  it('deletes notifications seen more than SEEN_RETENTION ago, keeps the others, and never deletes unseen ones when UNSEEN_RETENTION is unset', async () => {
    fixture = await startFixture({ SEEN_RETENTION: '30d' });
    const { rows, pns } = fixture;
    const user = newUser();
    await rows.notifications(user, 3, '40 days', '30 days 1 minute');
    const seenWithin = await rows.notifications(user, 2, '40 days', '29 days 23 hours 59 minutes');
    const unseenAncient = await rows.notifications(user, 4, '3650 days');
    const unseenNew = await rows.notifications(user, 1, '0 seconds');
    expect(await unseenCount(pns, user)).toBe(5);

    expect(await fixture.pass()).toEqual({ seen: 3, unseen: 0, tickets: 0, changes: 0, batches: 1 });

    expect(await rows.notificationIdsOf(user)).toEqual([...seenWithin, ...unseenAncient, ...unseenNew]);
    expect(await unseenCount(pns, user)).toBe(5);
  });

  it('deletes unseen notifications created more than UNSEEN_RETENTION ago, and the unseen counts drop with them', async () => {
    fixture = await startFixture({ SEEN_RETENTION: '30d', UNSEEN_RETENTION: '7d' });
    const { rows, pns } = fixture;
    const [user, userWithOnlyOld] = [newUser(), newUser()];
    await rows.notifications(user, 3, '7 days 1 minute');
    const unseenWithin = await rows.notifications(user, 2, '6 days 23 hours 59 minutes');
    // Seen yesterday: SEEN_RETENTION governs it, however old it is.
    const seenRecentlyCreatedLongAgo = await rows.notifications(user, 2, '400 days', '1 day');
    await rows.notifications(userWithOnlyOld, 2, '8 days');
    expect([await unseenCount(pns, user), await unseenCount(pns, userWithOnlyOld)]).toEqual([5, 2]);

    expect(await fixture.pass()).toEqual({ seen: 0, unseen: 5, tickets: 0, changes: 0, batches: 1 });
    const metrics = await request(pns.baseUrl).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^pns_retention_deleted_total\{kind="unseen"\} 5$/m);

    expect(await rows.notificationIdsOf(user)).toEqual([...unseenWithin, ...seenRecentlyCreatedLongAgo]);
    expect(await rows.notificationIdsOf(userWithOnlyOld)).toEqual([]);
    expect([await unseenCount(pns, user), await unseenCount(pns, userWithOnlyOld)]).toEqual([2, 0]);
  });

  it('deletes expired connection tickets and keeps live ones', async () => {
    fixture = await startFixture({});
    const user = newUser();
    const expired = [await fixture.rows.ticket(user, '-1 second'), await fixture.rows.ticket(user, '-30 days')];
    const live = await fixture.rows.ticket(user, '1 hour');

    expect(await fixture.pass()).toEqual({ seen: 0, unseen: 0, tickets: 2, changes: 0, batches: 1 });

    const exist = [];
    for (const idHash of [...expired, live]) exist.push(await fixture.rows.ticketExists(idHash));
    expect(exist).toEqual([false, false, true]);
  });

  it('deletes changes older than CHANGE_RETENTION: GET …/changes then answers 410 below them, and the version goes on', async () => {
    fixture = await startFixture({ CHANGE_RETENTION: '7d' });
    const { rows, pns } = fixture;
    const user = newUser();
    const changesSince = (since: number) => request(pns.baseUrl).get(`/api/users/${encodeURIComponent(user)}/changes?since=${since}`).set(auth);
    for (let i = 0; i < 4; i++) await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId: user, data: i }).expect(201);
    await rows.query(`UPDATE inbox_changes SET at = now() - interval '7 days 1 minute' WHERE user_id = $1 AND version <= 2`, [user]);
    await rows.query(`UPDATE inbox_changes SET at = now() - interval '6 days 23 hours' WHERE user_id = $1 AND version = 3`, [user]);

    expect(await fixture.pass()).toMatchObject({ changes: 2 });

    for (const since of [0, 1]) {
      expect((await changesSince(since).expect(410)).body).toEqual({ statusCode: 410, error: 'Gone', message: expect.stringContaining('reload'), version: 4 });
    }
    expect((await changesSince(2).expect(200)).body.changes.map((change: { version: number }) => change.version)).toEqual([3, 4]);
    expect(await rows.notificationIdsOf(user)).toHaveLength(4);
    await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId: user, data: 'next' }).expect(201);
    expect((await changesSince(4).expect(200)).body).toMatchObject({ version: 5, changes: [{ version: 5, type: 'created' }] });
  });

  it('skips the pass, deleting nothing, while another process holds the retention lock', async () => {
    fixture = await startFixture({ SEEN_RETENTION: '1d' });
    const user = newUser();
    const expired = await fixture.rows.notifications(user, 2, '3 days', '2 days');
    await fixture.rows.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK_KEY]);

    expect(await fixture.pass()).toBeUndefined();
    expect(await fixture.rows.notificationIdsOf(user)).toEqual(expired);

    await fixture.rows.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
    expect(await fixture.pass()).toEqual({ seen: 2, unseen: 0, tickets: 0, changes: 0, batches: 1 });
  });
});

describe('deleting in batches', () => {
  it('stops a pass between batches when the server shuts down, every batch it ran committed', async () => {
    const fixture = await startFixture({ SEEN_RETENTION: '30d' });
    const users = Array.from({ length: 20 }, () => newUser('stopped'));
    await fixture.rows.notifications(users, 1000, '100 days', '40 days');
    const storedRows = async () => Number((await fixture.rows.query<{ count: string }>('SELECT count(*) FROM notifications WHERE user_id = ANY($1)', [users])).rows[0].count);
    try {
      const pass = fixture.pass();
      await eventually(async () => (await storedRows()) < 20_000, 'the first batch committed');
      await fixture.pns.close();
      const result = await pass;
      // The pass rests between batches, so it was still running: it stopped, it did not finish.
      expect(result!.batches).toBeLessThan(20_000 / RETENTION_BATCH_SIZE);
      expect(await storedRows()).toBe(20_000 - result!.seen);
    } finally {
      await fixture.rows.close();
    }
  });

  it('deletes 200,000 expired rows in several batches while concurrent POSTs keep succeeding', async () => {
    const fixture = await startFixture({ SEEN_RETENTION: '30d', UNSEEN_RETENTION: '90d' });
    try {
      const users = Array.from({ length: 100 }, () => newUser('bulk'));
      // 2,000 rows per user: 1,500 seen long ago, 500 unseen and too old; the POSTs below go to
      // the same users, so they contend with the batches for the users' count rows.
      await fixture.rows.notifications(users, 1500, '100 days', '40 days');
      await fixture.rows.notifications(users, 500, '100 days');

      // The first requests of a fresh app pay for connections and compilation, not for retention.
      const warmUpUser = newUser('warm-up');
      for (let index = 0; index < 8; index += 1) {
        await request(fixture.pns.baseUrl).post('/api/notifications').set(auth).send({ userId: warmUpUser, data: {} }).expect(201);
      }

      // Four clients POST one notification at a time, to those users in turn, for as long as the pass runs.
      const latencies: number[] = [];
      const statuses: number[] = [];
      const posted = new Map<string, number>();
      let passDone = false;
      const poster = async (worker: number) => {
        for (let index = worker; !passDone; index += 4) {
          const userId = users[index % users.length];
          const started = performance.now();
          const response = await request(fixture.pns.baseUrl).post('/api/notifications').set(auth).send({ userId, data: { index } });
          latencies.push(performance.now() - started);
          statuses.push(response.status);
          posted.set(userId, (posted.get(userId) ?? 0) + 1);
        }
      };
      const started = performance.now();
      const [result] = await Promise.all([fixture.pass().finally(() => (passDone = true)), ...[0, 1, 2, 3].map(poster)]);
      const passMs = performance.now() - started;

      const maxLatency = Math.max(...latencies);
      const median = [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)];
      console.log(
        `retention pass over 200,000 rows: ${result!.batches} batches in ${passMs.toFixed(0)} ms; ` +
          `${latencies.length} POSTs during it, latency max ${maxLatency.toFixed(1)} ms, median ${median.toFixed(1)} ms`,
      );
      // Full batches until the seen rows run out, then one that finds less than a batch.
      expect(result).toEqual({ seen: 150_000, unseen: 50_000, tickets: 0, changes: 0, batches: 150_000 / RETENTION_BATCH_SIZE + 1 });
      expect(latencies.length).toBeGreaterThanOrEqual(100);
      expect(statuses.filter((status) => status !== 201)).toEqual([]);
      // A POST waits for a batch only while that batch's trigger holds its user's count row,
      // from the end of its DELETE to its commit: never for long.
      expect(maxLatency).toBeLessThan(1000);

      // Only the notifications posted during the pass remain, and every count says so.
      const { rows } = await fixture.rows.query<{ count: string }>('SELECT count(*) FROM notifications WHERE user_id = ANY($1)', [users]);
      expect(Number(rows[0].count)).toBe(latencies.length);
      const counts = await Promise.all(users.map((user) => unseenCount(fixture.pns, user)));
      expect(counts).toEqual(users.map((user) => posted.get(user) ?? 0));
    } finally {
      await fixture.close();
    }
  });
});

describe('devices', () => {
  it('hear the lower count after a pass deletes their unseen notifications', async () => {
    const fixture = await startFixture({ UNSEEN_RETENTION: '7d' });
    try {
      const user = newUser();
      await fixture.rows.notifications(user, 3, '8 days');
      await fixture.rows.notifications(user, 2, '1 day');
      const device = await connectDevice(fixture.pns, user);
      await device.waitForCount(5);

      await fixture.pass();

      await device.waitForCount(2);
      device.close();
    } finally {
      await fixture.close();
    }
  });
});

describe('the in-process schedule', () => {
  it('runs passes on RETENTION_CRON', async () => {
    const fixture = await startFixture({ SEEN_RETENTION: '1d', RETENTION_CRON: '* * * * * *' });
    try {
      expect(fixture.pns.app.get(SchedulerRegistry).getCronJobs().has(RETENTION_JOB)).toBe(true);
      const user = newUser();
      await fixture.rows.notifications(user, 2, '3 days', '2 days');
      await expectDeleted(fixture.rows, user);
    } finally {
      await fixture.close();
    }
  });

  it('keeps running after a failed pass, and the next tick does the work', async () => {
    const logs = new LogCapture();
    const fixture = await startFixture({ SEEN_RETENTION: '1d', RETENTION_CRON: '* * * * * *' }, logs);
    const failedPasses = () => logs.lines.filter((line) => line.includes('retention pass failed')).length;
    try {
      const user = newUser();
      // The retention statement names this table: without it every pass fails.
      await fixture.rows.query('ALTER TABLE connection_tickets RENAME TO connection_tickets_away');
      await fixture.rows.notifications(user, 2, '3 days', '2 days');
      // Two ticks that failed: the schedule survived the first failure.
      const failedBefore = failedPasses();
      await eventually(() => failedPasses() >= failedBefore + 2, 'two failed passes');
      expect(await fixture.rows.notificationIdsOf(user)).toHaveLength(2);

      await fixture.rows.query('ALTER TABLE connection_tickets_away RENAME TO connection_tickets');
      await expectDeleted(fixture.rows, user);
    } finally {
      await fixture.close();
    }
  });

  it('registers nothing when RETENTION_CRON is off', async () => {
    const fixture = await startFixture({ RETENTION_CRON: 'off' });
    try {
      expect(fixture.pns.app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
    } finally {
      await fixture.close();
    }
  });
});

describe('npm run retention', () => {
  let build: string;
  beforeAll(async () => {
    build = await expectServerBuilt();
  });

  it('runs one pass against a running server database, prints what it deleted, exits 0, and the server pushes the new counts', async () => {
    const fixture = await startFixture({});
    try {
      const user = newUser();
      await fixture.rows.notifications(user, 2, '40 days', '31 days');
      await fixture.rows.notifications(user, 3, '8 days');
      const kept = await fixture.rows.notifications(user, 1, '1 day');
      await fixture.rows.ticket(user, '-1 hour');
      const device = await connectDevice(fixture.pns, user);
      await device.waitForCount(4);

      // Production, yet no APP_TOKEN: the command needs none.
      const run = await runRetentionCli(build, { NODE_ENV: 'production', DATABASE_URL: fixture.databaseUrl, SEEN_RETENTION: '30d', UNSEEN_RETENTION: '7d' });

      expect(run).toEqual({ code: 0, stdout: 'retention: deleted 2 seen, 3 unseen notifications, 1 expired tickets and 0 old changes in 1 batch\n', stderr: '' });
      expect(await fixture.rows.notificationIdsOf(user)).toEqual(kept);
      await device.waitForCount(1);
      device.close();
    } finally {
      await fixture.close();
    }
  });

  it('reaches the embedded database of a running pns when DATABASE_URL is unset', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pns-retention-'));
    await chmod(dataDir, 0o755);
    // Owned by another live process, as by a running pns: the CLI must attach to it.
    const embedded = await startEmbeddedPostgresProcess(build, dataDir);
    try {
      await applyMigrations(embedded.url, 'prisma/migrations', quiet);
      const rows = await AgedRows.connect(embedded.url);
      const user = newUser();
      await rows.notifications(user, 4, '2 days', '2 days');
      try {
        const run = await runRetentionCli(build, { DATA_DIR: dataDir, SEEN_RETENTION: '1d' });

        expect(run).toEqual({ code: 0, stdout: 'retention: deleted 4 seen, 0 unseen notifications, 0 expired tickets and 0 old changes in 1 batch\n', stderr: '' });
        // Attached, not adopted: the database of the running pns is left running.
        expect(await rows.notificationIdsOf(user)).toEqual([]);
      } finally {
        await rows.close();
      }
    } finally {
      await embedded.stop();
    }
  });

  it('says so and exits 0 when another process is running a pass', async () => {
    const fixture = await startFixture({});
    try {
      await fixture.rows.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK_KEY]);
      const run = await runRetentionCli(build, { DATABASE_URL: fixture.databaseUrl });
      expect(run).toEqual({ code: 0, stdout: 'retention: skipped, another process is running a retention pass\n', stderr: '' });
    } finally {
      await fixture.close();
    }
  });

  it('exits non-zero naming the variable when the configuration is bad', async () => {
    const run = await runRetentionCli(build, { DATABASE_URL: 'postgresql://127.0.0.1:1/none', SEEN_RETENTION: 'abc' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/SEEN_RETENTION/);
    expect(run.stdout).toBe('');
  });

  it.each(['true', 'false'])('exits non-zero with a one-line message when the database cannot be reached (MIGRATE_ON_START=%s)', async (migrateOnStart) => {
    const run = await runRetentionCli(build, { DATABASE_URL: 'postgresql://pns:pns@127.0.0.1:1/pns', MIGRATE_ON_START: migrateOnStart });
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'retention: failed: connect ECONNREFUSED 127.0.0.1:1\n' });
  });
});
