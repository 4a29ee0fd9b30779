// 8. The inbox model against pns before it (64d22f5, the last commit before read/archived marks,
// categories' counts, versions and the change log). Both builds run at once, each on a fresh
// database of the same PostgreSQL with devices connected: single ingest and count reads, the
// two builds taking turns on every figure (A, B, then B, A, …), medians over the repeats.
// Then the counts read of a user with 1,000,000 notifications over 50 categories, at the SQL
// level: the repository's own statement, its p50/p99 and its plan.
import pg from 'pg';
import { join } from 'node:path';
import { buildAt } from '../lib/build-at.mjs';
import { lineChart } from '../lib/chart.mjs';
import { cpuDuring } from '../lib/cpu.mjs';
import { BUILD, createDatabase, dropDatabase, registerTickets, ROOT, startServer, TOKEN, topStatements } from '../lib/env.mjs';
import { connectFleets, userIds, worker } from '../lib/setup.mjs';
import { ms, summarize } from '../lib/stats.mjs';

export const title = 'Inbox model against pns before it';

const TARGET_RATIO = 0.85;
const HEAVY = 'inbox-heavy';

const pgQuote = (text) => `'${text.replaceAll("'", "''")}'`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};
const list = (name, fallback) => (process.env[name] ?? fallback).split(',').filter(Boolean).map(Number);

/** One build of pns on its own database, with a protocol-1 device for each of `users`. */
async function startBuild(ctx, key, pns, users, profile) {
  const databaseUrl = await createDatabase(ctx.db.url, `bench_inbox_${key}`, pns);
  const env = JSON.parse(process.env.BENCH_PNS_ENV ?? '{}');
  const server = await startServer('pns', { databaseUrl, env, pns, profileDir: profile ? ctx.profileDir : undefined });
  const tickets = await registerTickets(server.base, users);
  const fleet = await connectFleets(server.ws, users.map((user, i) => ({ user, path: `/subscribe?connectionId=${tickets[i]}` })));
  return { key, pns, databaseUrl, server, fleet };
}

/**
 * What the build's database sessions are doing, sampled every 10 ms until `stop()`: how often
 * each was seen on CPU or waiting on what (a lock, the WAL), per statement (its first words).
 */
async function sampleWaits(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const seen = new Map();
  let sampling = true;
  const done = (async () => {
    while (sampling) {
      const { rows } = await client.query(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS query
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`,
      );
      for (const row of rows) seen.set(`${row.wait} | ${row.query}`, (seen.get(`${row.wait} | ${row.query}`) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await client.end();
  })();
  let stopped;
  return {
    stop: () =>
      (stopped ??= (async () => {
        sampling = false;
        await done;
        return Object.fromEntries([...seen].sort((a, b) => b[1] - a[1]).slice(0, 8));
      })()),
  };
}

/**
 * The figures compared. Ingest: POST /api/notifications, one user each, in one of 5
 * categories. Count reads: each build's route for the user's counts (before: the unseen
 * count, its only one; now: GET …/counts with every count, the version and the categories),
 * and the unseen-count route both have.
 */
function figures(ingestLevels, readLevels) {
  return [
    ...ingestLevels.map((c) => ({ name: `ingest c=${c}`, connections: c, request: () => ({ path: '/api/notifications', method: 'POST', categories: 5 }) })),
    ...readLevels.map((c) => ({
      name: `counts read c=${c}`,
      connections: c,
      request: (build) => ({ path: build.key === 'now' ? '/api/users/{user}/counts' : '/api/users/{user}/unseen-count', method: 'GET' }),
    })),
    ...readLevels.map((c) => ({ name: `unseen-count read c=${c}`, connections: c, request: () => ({ path: '/api/users/{user}/unseen-count', method: 'GET' }) })),
  ];
}

/**
 * Rows for the heavy user (`heavy` notifications over 50 categories: a third seen, a sixth
 * read, one in 97 archived) and `others` rows over 20,000 other users, in chunks, each one
 * INSERT … SELECT generate_series through the real triggers, which keep the counts.
 */
async function loadVolume(url, heavy, others, chunk) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  try {
    await client.query('SET synchronous_commit = off');
    const insert = async (user, from, to, total) =>
      client.query(
        `INSERT INTO notifications (user_id, data, category, created_at, seen_at, read_at, archived_at)
         SELECT ${user}, jsonb_build_object('title', 'bench notification', 'n', g), 'category-' || (g % 50),
                now() - ($3::bigint - g) * interval '10 ms',
                CASE WHEN g % 3 = 0 OR g % 97 = 0 THEN now() END,
                CASE WHEN g % 6 = 0 THEN now() END,
                CASE WHEN g % 97 = 0 THEN now() END
         FROM generate_series($1::bigint, $2::bigint) AS g`,
        [from, to, total],
      );
    for (let from = 1; from <= heavy; from += chunk) {
      await insert(`'${HEAVY}'`, from, Math.min(heavy, from + chunk - 1), heavy);
      process.stdout.write(`\r  loaded ${Math.min(heavy, from + chunk - 1).toLocaleString('en')} of ${heavy.toLocaleString('en')} rows of ${HEAVY} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    for (let from = 1; from <= others; from += chunk) await insert(`'inbox-other-' || (g % 20000)`, from, Math.min(others, from + chunk - 1), others);
    process.stdout.write('\n');
    const vacuumStarted = Date.now();
    for (const table of ['notifications', 'user_inboxes', 'user_category_counts', 'inbox_changes']) await client.query(`VACUUM (ANALYZE) ${table}`);
    return { loadSeconds: (vacuumStarted - started) / 1000, vacuumSeconds: (Date.now() - vacuumStarted) / 1000 };
  } finally {
    await client.end();
  }
}

/**
 * The counts read at the SQL level: InboxRepository.counts itself (the current build's, its
 * prepared statement) on a pool of one connection, `samples` times after a warm-up, and
 * EXPLAIN ANALYZE of the very statement it sent. The counts are checked against the rows.
 */
async function countsAtVolume(ctx) {
  const heavy = Number(process.env.BENCH_INBOX_HEAVY_ROWS ?? 1_000_000);
  const others = Number(process.env.BENCH_INBOX_OTHER_ROWS ?? 200_000);
  const chunk = Number(process.env.BENCH_INBOX_CHUNK ?? 100_000);
  const samples = Number(process.env.BENCH_INBOX_SAMPLES ?? 2000);
  const url = await createDatabase(ctx.db.url, 'bench_inbox_volume');
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const loaded = await loadVolume(url, heavy, others, chunk);
    const { InboxRepository } = await import(join(BUILD, 'inbox/inbox.repository.js'));
    const sent = [];
    // The repository's only way to the database is its PrismaService's pool: here a pg pool
    // that also records what it was sent, for the EXPLAIN below.
    const recording = { query: (config) => (sent.push(config), pool.query(config)) };
    const repository = new InboxRepository({ pool: recording });
    for (let i = 0; i < 200; i++) await repository.counts([HEAVY]);
    const timings = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await repository.counts([HEAVY]);
      timings.push(performance.now() - started);
    }
    const counts = (await repository.counts([HEAVY])).get(HEAVY);
    const statement = sent.at(-1);
    // The same statement timed inside the backend (planning included), without the client's
    // round trip and its scheduling on this shared machine.
    await pool.query(`CREATE FUNCTION pg_temp.time_counts(n integer, users text[]) RETURNS float8[] LANGUAGE plpgsql AS $$
      DECLARE started timestamptz; took float8[] := '{}';
      BEGIN
        FOR i IN 1..n LOOP
          started := clock_timestamp();
          EXECUTE ${pgQuote(statement.text)} USING users;
          took := took || extract(epoch FROM clock_timestamp() - started) * 1000;
        END LOOP;
        RETURN took;
      END $$`);
    const inBackend = (await pool.query('SELECT pg_temp.time_counts($1, $2) AS took', [samples, statement.values[0]])).rows[0].took;
    const plan = (await pool.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${statement.text}`, statement.values)).rows.map((row) => row['QUERY PLAN']);
    const truth = (
      await pool.query(
        `SELECT category, count(*) FILTER (WHERE seen_at IS NULL)::int AS unseen, count(*) FILTER (WHERE read_at IS NULL)::int AS unread, count(*)::int AS total
         FROM notifications WHERE user_id = $1 AND archived_at IS NULL AND snoozed_until IS NULL GROUP BY ROLLUP (category)`,
        [HEAVY],
      )
    ).rows;
    const top = truth.find((row) => row.category === null);
    const exact =
      counts.unseen === top.unseen &&
      counts.unread === top.unread &&
      counts.total === top.total &&
      truth.filter((row) => row.category !== null).every((row) => JSON.stringify(counts.categories[row.category]) === JSON.stringify({ unseen: row.unseen, unread: row.unread, total: row.total })) &&
      Object.keys(counts.categories).length === truth.length - 1;
    const sizes = (await pool.query(`SELECT (SELECT count(*) FROM notifications)::bigint AS rows, pg_size_pretty(pg_total_relation_size('notifications')) AS size, (SELECT count(*) FROM user_category_counts)::bigint AS category_rows`)).rows[0];
    return {
      heavy,
      others,
      samples,
      loaded,
      sizes,
      latency: summarize(timings),
      inBackend: summarize(inBackend),
      plan,
      seqScan: plan.some((line) => /Seq Scan/.test(line)),
      counts: { unseen: counts.unseen, unread: counts.unread, total: counts.total, version: counts.version, categories: Object.keys(counts.categories).length },
      truth: { unseen: top.unseen, unread: top.unread, total: top.total },
      exact,
    };
  } finally {
    await pool.end();
    await dropDatabase(ctx.db.url, 'bench_inbox_volume');
  }
}

export async function run(ctx) {
  const ingestLevels = list('BENCH_INBOX_CONCURRENCY', '1,8,64');
  const readLevels = list('BENCH_INBOX_READ_CONCURRENCY', '1,64');
  const durationSec = Number(process.env.BENCH_INBOX_SECONDS ?? 3);
  const repeats = Number(process.env.BENCH_INBOX_REPEATS ?? 5);
  const devices = Number(process.env.BENCH_INBOX_DEVICES ?? 500);
  const baseCommit = process.env.BENCH_INBOX_BASE ?? '64d22f5';
  const users = userIds('inbox', devices);

  const base = await buildAt(baseCommit);
  const builds = [];
  const cannon = worker('cannon');
  try {
    builds.push(await startBuild(ctx, 'before', base, users, ctx.profile));
    builds.push(await startBuild(ctx, 'now', { root: ROOT, build: BUILD }, users, ctx.profile));
    const names = { before: `before (${base.commit})`, now: `now (${ctx.machine.pnsCommit})` };
    // Both are profiled under BENCH_PROFILE; a profile's file name carries its process id.
    if (ctx.profile) console.log(`  profiled: before pid ${builds[0].server.pid}, now pid ${builds[1].server.pid}`);

    const measure = async (build, figure, seconds = durationSec) => {
      const groups = { server: build.server.pid, loadgen: cannon.child.pid, devices: build.fleet.workers.map((w) => w.child.pid), harness: process.pid };
      const waits = await sampleWaits(build.databaseUrl);
      const { result, cores } = await cpuDuring(groups, () =>
        cannon.call('load', { url: build.server.base, ...figure.request(build), connections: figure.connections, durationSec: seconds, users, token: TOKEN }),
      ).finally(() => waits.stop());
      const failed = result.non2xx + result.errors + result.timeouts;
      if (failed > 0) throw new Error(`${names[build.key]} ${figure.name}: ${failed} failed requests (${JSON.stringify(result.statuses)})`);
      return { requestsPerSec: result.requestsPerSec, latency: result.latency, cores, waits: await waits.stop(), serverCpuUsPerRequest: Math.round(((cores.server ?? 0) * result.durationSec * 1e6) / Math.max(1, result.requests)) };
    };

    const all = figures(ingestLevels, readLevels);
    // Unreported warm-up of both: JIT, pools, every user's first notifications.
    for (const build of builds) for (const figure of [all[0], all.at(-1)]) await measure(build, { ...figure, connections: 16 }, 3);

    const points = new Map(all.map((figure) => [figure.name, { before: [], now: [] }]));
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const figure of all) {
        // Who goes first alternates, so that a drift of the machine favours neither.
        const order = (repeat + all.indexOf(figure)) % 2 === 0 ? builds : [...builds].reverse();
        for (const build of order) points.get(figure.name)[build.key].push(await measure(build, figure));
        const [b, n] = [points.get(figure.name).before.at(-1), points.get(figure.name).now.at(-1)];
        console.log(`  repeat ${repeat + 1} ${figure.name}: before ${b.requestsPerSec.toFixed(0)}/s, now ${n.requestsPerSec.toFixed(0)}/s (${(n.requestsPerSec / b.requestsPerSec).toFixed(2)}); server µs/req ${b.serverCpuUsPerRequest} : ${n.serverCpuUsPerRequest}; cores ${JSON.stringify(n.cores)}`);
      }
    }

    // The ratio of each figure is the median of its repeats' ratios: the two runs of a repeat are
    // seconds apart, so each ratio sees about the same machine, while the machine's load (other
    // engineers' work) moves the absolute rates between repeats by as much as 2x.
    const compared = all.map((figure) => {
      const { before, now } = points.get(figure.name);
      const pairRatios = now.map((r, i) => r.requestsPerSec / before[i].requestsPerSec);
      const summary = (runs) => ({
        requestsPerSec: median(runs.map((r) => r.requestsPerSec)),
        p99: median(runs.map((r) => r.latency.p99)),
        serverCpuUsPerRequest: median(runs.map((r) => r.serverCpuUsPerRequest)),
      });
      return { figure: figure.name, before: summary(before), now: summary(now), ratio: median(pairRatios), pairRatios: pairRatios.map((r) => +r.toFixed(2)) };
    });
    // Where each build's database time went over the whole comparison (pg_stat_statements).
    const statements = Object.fromEntries(await Promise.all(builds.map(async (build) => [build.key, await topStatements(build.databaseUrl, 10)])));
    const frames = Object.fromEntries(await Promise.all(builds.map(async (build) => [build.key, [...(await build.fleet.arrivals()).values()].reduce((sum, log) => sum + log.length, 0)])));

    // Stopped before the load below, which would otherwise compete with them for the cores.
    for (const build of builds.splice(0)) {
      await build.fleet.stop();
      await build.server.stop();
    }
    const volume = await countsAtVolume(ctx);
    console.log(`  counts of ${HEAVY} at the SQL level: p50 ${ms(volume.latency.p50)} p99 ${ms(volume.latency.p99)} ms (in the backend p50 ${ms(volume.inBackend.p50)} p99 ${ms(volume.inBackend.p99)} ms); seq scan ${volume.seqScan ? 'YES' : 'no'}; exact ${volume.exact}`);

    return {
      summary:
        `pns before (${base.commit}) and now (${ctx.machine.pnsCommit}), each on its own database with ${devices} protocol-1 devices connected; ` +
        `closed loop, ${durationSec} s per point, ${repeats} repeats with the builds taking turns; rates are medians, now/before the median of the repeats' ratios. ` +
        `Counts read of ${HEAVY} (${volume.heavy.toLocaleString('en')} notifications over 50 categories, among ${Number(volume.sizes.rows).toLocaleString('en')} rows, ${volume.sizes.size}): ` +
        `InboxRepository.counts on one connection, ${volume.samples} times: p50 ${ms(volume.latency.p50)} ms, p99 ${ms(volume.latency.p99)} ms; ` +
        `its statement timed ${volume.samples} times inside the backend: p50 ${ms(volume.inBackend.p50)} ms, p99 ${ms(volume.inBackend.p99)} ms; plan: ${volume.plan.filter((line) => /Scan/.test(line)).map((line) => line.trim().replace(/^->\s*/, '').replace(/ \(actual.*/, '')).join('; ')}.`,
      table: {
        headers: ['figure', 'before /s', 'now /s', 'now/before (median)', 'each repeat', 'before p99 ms', 'now p99 ms', 'server CPU µs/req before : now'],
        rows: compared.map((c) => [
          c.figure,
          c.before.requestsPerSec.toFixed(0),
          c.now.requestsPerSec.toFixed(0),
          c.ratio.toFixed(2),
          c.pairRatios.join(', '),
          ms(c.before.p99),
          ms(c.now.p99),
          `${c.before.serverCpuUsPerRequest} : ${c.now.serverCpuUsPerRequest}`,
        ]),
      },
      targets: [
        ...compared.map((c) => ({ what: `${c.figure}, now / before`, target: `≥ ${TARGET_RATIO}`, value: c.ratio.toFixed(2), met: c.ratio >= TARGET_RATIO })),
        { what: `counts read at ${volume.heavy.toLocaleString('en')} notifications over 50 categories, SQL p99 through pg`, target: '< 2 ms', value: `${ms(volume.latency.p99)} ms (p50 ${ms(volume.latency.p50)} ms)`, met: volume.latency.p99 < 2 },
        { what: `the same statement, p99 inside the backend`, target: '< 2 ms', value: `${ms(volume.inBackend.p99)} ms (p50 ${ms(volume.inBackend.p50)} ms)`, met: volume.inBackend.p99 < 2 },
        { what: 'counts read plan', target: 'no Seq Scan', value: volume.seqScan ? 'seq scan found' : 'index scans only', met: !volume.seqScan },
        { what: 'trigger-kept counts equal count(*) per category', target: 'equal', value: `${JSON.stringify(volume.counts)} vs ${JSON.stringify(volume.truth)}`, met: volume.exact },
      ],
      charts: [
        lineChart({
          title: 'pns now / before, requests/s (medians)',
          xLabel: 'figure',
          yLabel: 'now / before',
          categories: compared.map((c) => c.figure.replace(' read', '')),
          series: [{ name: 'now / before', points: compared.map((c, i) => [i, c.ratio]) }],
          targets: [{ y: TARGET_RATIO, label: `target ≥ ${TARGET_RATIO}` }],
        }),
      ],
      details: { compared, points: Object.fromEntries(points), framesReceivedByDevices: frames, topStatements: statements, volume },
    };
  } finally {
    await cannon.stop();
    for (const build of builds) {
      await build.fleet.stop().catch(() => undefined);
      await build.server.stop();
    }
  }
}
