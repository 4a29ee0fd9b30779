// 6. Retention under load: a pass deleting 1,000,000 expired rows while single ingest runs
// (1,000 devices connected) at half its peak; ingest p99 during the pass against p99 without it.
import pg from 'pg';
import { join } from 'node:path';
import { latencyChart } from '../lib/chart.mjs';
import { cpuDuring } from '../lib/cpu.mjs';
import { BUILD, query, ROOT, TOKEN } from '../lib/env.mjs';
import { run as runCommand } from '../lib/procs.mjs';
import { pnsWithDevices, userIds, worker } from '../lib/setup.mjs';
import { ms, summarize } from '../lib/stats.mjs';

export const title = 'Retention under load';

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function loadExpired(url, count) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET synchronous_commit = off');
    const chunk = 500_000;
    for (let from = 1; from <= count; from += chunk) {
      // Seen 40 days ago (SEEN_RETENTION is 30d), over 10,000 users, half of the rows; the other
      // half are unseen and old, which retention keeps (UNSEEN_RETENTION unset): it must skip them.
      await client.query(
        `INSERT INTO notifications (user_id, data, created_at, seen_at)
         SELECT 'retention-old-' || (g % 10000), jsonb_build_object('title', 'old', 'n', g),
                now() - interval '41 days' - g * interval '1 ms', now() - interval '40 days' - g * interval '1 ms'
         FROM generate_series($1::bigint, $2::bigint) AS g`,
        [from, Math.min(count, from + chunk - 1)],
      );
    }
    await client.query('VACUUM (ANALYZE) notifications');
    // The load's dirty pages written now, not by a checkpoint inside the measured windows.
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

/**
 * When the pass held the retention lock (pg_try_advisory_lock(0x706e7372), retention.repository.ts):
 * the pass proper, without the command's own start-up.
 */
function watchRetentionLock(url) {
  const client = new pg.Client({ connectionString: url });
  let firstUs;
  let lastUs;
  let stopped = false;
  const waits = {};
  const polling = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query(`SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = 1886286706 AND objsubid = 1`);
      if (rows[0].held > 0) {
        firstUs ??= nowUs();
        lastUs = nowUs();
        // What the database's busy sessions wait on meanwhile (sampled): the reason for slow ingest.
        const { rows: active } = await client.query(
          `SELECT left(query, 200) AS query, backend_type, coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS wait
           FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND datname = current_database()`,
        );
        for (const { query, backend_type: backendType, wait } of active) {
          const who = backendType === 'autovacuum worker' ? 'autovacuum' : /unflushed_commit|expired_seen/.test(query) ? 'retention' : 'pns API';
          const key = `${who} ${wait}`;
          waits[key] = (waits[key] ?? 0) + 1;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.end();
  })();
  return {
    async stop() {
      stopped = true;
      await polling;
      if (firstUs === undefined) throw new Error('the retention lock was never seen held');
      return { firstUs, lastUs, waits };
    },
  };
}

/** The whole server's WAL so far (pg_stat_wal): what every commit has to flush behind. */
async function walTotals(url) {
  const [row] = await query(url, 'SELECT wal_records::float8 AS records, wal_fpi::float8 AS "fullPageImages", wal_bytes::float8 AS bytes FROM pg_stat_wal');
  return row;
}

function walBetween(before, after, seconds) {
  const delta = Object.fromEntries(Object.keys(before).map((key) => [key, after[key] - before[key]]));
  return { ...delta, megabytesPerSecond: delta.bytes / 1e6 / seconds };
}

/** Latencies (ms) of the posts sent within [fromUs, toUs). */
function window(posted, fromUs, toUs) {
  const values = [];
  let failed = 0;
  for (let n = 0; n < posted.sent.length; n++) {
    if (posted.sent[n] < fromUs || posted.sent[n] >= toUs) continue;
    if (posted.status[n] === 201) values.push((posted.done[n] - posted.sent[n]) / 1000);
    else failed++;
  }
  return { ...summarize(values), failed };
}

export async function run(ctx) {
  const expired = Number(process.env.BENCH_RETENTION_ROWS ?? 1_000_000);
  const quietSeconds = Number(process.env.BENCH_RETENTION_QUIET_SECONDS ?? 15);
  const maxPassSeconds = Number(process.env.BENCH_RETENTION_MAX_SECONDS ?? 90);
  const users = userIds('ingest', 1000);
  const pns = await pnsWithDevices(ctx, 'bench_retention', users, { env: { SEEN_RETENTION: '30d' } });
  const poster = worker('poster');
  try {
    await loadExpired(pns.databaseUrl, expired);
    let peak = ctx.ingestPeak?.requestsPerSec ?? (Number(process.env.BENCH_INGEST_PEAK) || undefined);
    let peakSource = ctx.ingestPeak ? 'scenario 1 of this run' : 'BENCH_INGEST_PEAK (scenario 1 of an earlier run)';
    if (!peak) {
      const cannon = worker('cannon');
      const probe = await cannon.call('load', { url: pns.server.base, path: '/api/notifications', connections: 32, durationSec: 5, users, token: TOKEN });
      await cannon.stop();
      peak = probe.requestsPerSec;
      peakSource = 'a 5 s probe at concurrency 32 (scenario 1 not in this run)';
    }
    const rate = Math.max(10, Math.round(peak / 2));
    console.log(`  ${expired.toLocaleString('en')} expired rows loaded; ingest at ${rate}/s (half of ${peak.toFixed(0)}/s from ${peakSource})`);
    const post = (durationMs) => poster.call('post', { base: pns.server.base, path: '/api/notifications', token: TOKEN, rate, durationMs, users }, durationMs + 120_000);

    // Warm-up at the same rate (JIT, pool, the devices' first frames), not measured.
    await post(3000);
    const walBeforeQuiet = await walTotals(pns.databaseUrl);
    const quiet = await post(quietSeconds * 1000);
    const walQuiet = walBetween(walBeforeQuiet, await walTotals(pns.databaseUrl), quietSeconds);
    const without = window(quiet, 0, Infinity);

    // The pass as ops run it: `npm run retention`'s program, in a process of its own.
    const walBeforePass = await walTotals(pns.databaseUrl);
    const posting = post(maxPassSeconds * 1000);
    const commandStarted = nowUs();
    const lock = watchRetentionLock(pns.databaseUrl);
    const retentionPid = {};
    const { result: pass, cores } = await cpuDuring({ retention: retentionPid, server: pns.server.pid, loadgen: poster.child.pid, harness: process.pid }, () =>
      runCommand(process.execPath, [join(BUILD, 'retention.js')], { onSpawn: (child) => (retentionPid.pid = child.pid), cwd: ROOT, env: { PATH: process.env.PATH, DATABASE_URL: pns.databaseUrl, SEEN_RETENTION: '30d', LOG_LEVEL: 'warn' } }),
    );
    const commandEnded = nowUs();
    const walPass = walBetween(walBeforePass, await walTotals(pns.databaseUrl), (commandEnded - commandStarted) / 1e6);
    const { firstUs: passStarted, lastUs: passEnded, waits } = await lock.stop();
    console.log(`  database sessions during the pass (samples): ${JSON.stringify(waits)}`);
    const during = await posting;
    const withRetention = window(during, passStarted, passEnded);
    const startup = window(during, commandStarted, passStarted);
    const after = window(during, commandEnded, Infinity);
    const passSeconds = (passEnded - passStarted) / 1e6;
    const ratio = withRetention.p99 / without.p99;
    console.log(`  ${pass.stdout.trim()} in ${passSeconds.toFixed(1)} s; p99 ${ms(without.p99)} → ${ms(withRetention.p99)} ms`);
    console.log(`  WAL: ${walQuiet.megabytesPerSecond.toFixed(1)} MB/s with ingest alone, ${walPass.megabytesPerSecond.toFixed(1)} MB/s during the command (${walPass.fullPageImages} full-page images)`);
    return {
      summary: `${expired.toLocaleString('en')} rows seen 40 days ago, SEEN_RETENTION=30d; open-loop ingest at ${rate}/s (half the peak), 1,000 devices; retention pass: ${pass.stdout.trim()} in ${passSeconds.toFixed(1)} s`,
      table: {
        headers: ['window', 'posts', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'failed'],
        rows: [
          ['ingest alone', without.count, ms(without.p50), ms(without.p90), ms(without.p99), ms(without.max), without.failed + quiet.dropped],
          ['retention command starting (Node + Nest boot)', startup.count, ms(startup.p50), ms(startup.p90), ms(startup.p99), ms(startup.max), startup.failed],
          ['during the retention pass (lock held)', withRetention.count, ms(withRetention.p50), ms(withRetention.p90), ms(withRetention.p99), ms(withRetention.max), withRetention.failed],
          ['after the pass', after.count, ms(after.p50), ms(after.p90), ms(after.p99), ms(after.max), after.failed],
        ],
      },
      targets: [{ what: 'ingest p99 during retention', target: '≤ 2× without', value: `${ratio.toFixed(2)}× (${ms(without.p99)} → ${ms(withRetention.p99)} ms)`, met: ratio <= 2 }],
      charts: [
        latencyChart(`Ingest at ${rate}/s, with and without a retention pass`, [
          { name: 'ingest alone', ladder: without.ladder },
          { name: `during the pass (${passSeconds.toFixed(0)} s)`, ladder: withRetention.ladder },
        ]),
      ],
      details: { waitsDuringPass: waits, wal: { ingestAlone: walQuiet, duringCommand: walPass }, rate, peak, peakSource, pass: pass.stdout.trim(), passSeconds, commandSeconds: (commandEnded - commandStarted) / 1e6, startup, cores, without, withRetention, after, droppedDuring: during.dropped },
    };
  } finally {
    await poster.stop();
    await pns.fleet?.stop();
    await pns.server.stop();
  }
}
