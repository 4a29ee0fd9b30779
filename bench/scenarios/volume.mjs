// 5. Count at volume: one user with 1,000,000 unseen notifications (and 100,000 seen) among
// 10,000,000 rows. The unseen count, the first page of unseen and of seen, through pns's API;
// baseline: the same SQL straight through pg (the database's own share). EXPLAIN of each.
import http from 'node:http';
import pg from 'pg';
import { latencyChart } from '../lib/chart.mjs';
import { createDatabase, dropDatabase, TOKEN } from '../lib/env.mjs';
import { startServer } from '../lib/env.mjs';
import { summarize, ms } from '../lib/stats.mjs';

export const title = 'Count and pages at volume';

const HEAVY = 'volume-heavy';

// The statements NotificationsRepository sends for these three calls (unseenCount is a Prisma
// findUnique on the primary key; page() with the state's literal predicate, limit + 1 rows).
const SQL = {
  'unseen count': { text: 'SELECT unseen FROM user_inboxes WHERE user_id = $1 LIMIT 1', values: [HEAVY] },
  'first page unseen (50)': {
    text: 'SELECT notifications.id, user_id, data, category, created_at, seen_at FROM notifications WHERE user_id = $1 AND seen_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2',
    values: [HEAVY, 51],
  },
  'first page seen (50)': {
    text: 'SELECT notifications.id, user_id, data, category, created_at, seen_at FROM notifications WHERE user_id = $1 AND seen_at IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT $2',
    values: [HEAVY, 51],
  },
};
const PATHS = {
  'unseen count': `/api/users/${HEAVY}/unseen-count`,
  'first page unseen (50)': `/api/users/${HEAVY}/notifications?state=unseen&limit=50`,
  'first page seen (50)': `/api/users/${HEAVY}/notifications?state=seen&limit=50`,
};

/**
 * Rows g = 1..total, in chunks (each chunk one INSERT … SELECT generate_series, so the count
 * triggers run once per chunk): every 10th row is the heavy user's unseen notification, every
 * 100th (offset 1) its seen one, the rest spread over 100,003 other users, half of them seen.
 */
async function load(url, total, chunk) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  try {
    // A bulk load: the WAL of this session need not reach the disk before each chunk's answer.
    await client.query('SET synchronous_commit = off');
    for (let from = 1; from <= total; from += chunk) {
      const to = Math.min(total, from + chunk - 1);
      await client.query(
        `INSERT INTO notifications (user_id, data, category, created_at, seen_at)
         SELECT CASE WHEN g % 10 = 0 OR g % 100 = 1 THEN '${HEAVY}' ELSE 'volume-' || (g % 100003) END,
                jsonb_build_object('title', 'bench notification', 'n', g),
                CASE WHEN g % 7 = 0 THEN 'orders' END,
                now() - ($2::bigint - g) * interval '50 ms',
                CASE WHEN g % 10 = 0 THEN NULL
                     WHEN g % 100 = 1 OR g % 2 = 1 THEN now() - ($2::bigint - g) * interval '50 ms' + interval '1 minute' END
         FROM generate_series($1::bigint, $3::bigint) AS g`,
        [from, total, to],
      );
      process.stdout.write(`\r  loaded ${to.toLocaleString('en')} of ${total.toLocaleString('en')} rows (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    process.stdout.write('\n');
    const vacuumStarted = Date.now();
    await client.query('VACUUM (ANALYZE) notifications');
    await client.query('VACUUM (ANALYZE) user_inboxes');
    return { loadSeconds: (vacuumStarted - started) / 1000, vacuumSeconds: (Date.now() - vacuumStarted) / 1000 };
  } finally {
    await client.end();
  }
}

function get(agent, base, path) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(base + path, { agent, headers: { 'x-auth-token': TOKEN } }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ ms: performance.now() - started, status: response.statusCode, body: Buffer.concat(chunks).toString() }));
      })
      .on('error', reject);
  });
}

export async function run(ctx) {
  const total = Number(process.env.BENCH_VOLUME_ROWS ?? 10_000_000);
  const chunk = Number(process.env.BENCH_VOLUME_CHUNK ?? 1_000_000);
  const samples = Number(process.env.BENCH_VOLUME_SAMPLES ?? 2000);
  const url = await createDatabase(ctx.db.url, 'bench_volume');
  const loaded = await load(url, total, chunk);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const server = await startServer('pns', { databaseUrl: url });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const { rows: sizes } = await client.query(
      `SELECT (SELECT count(*) FROM notifications)::bigint AS rows,
              (SELECT unseen FROM user_inboxes WHERE user_id = $1) AS heavy_unseen,
              (SELECT count(*) FROM notifications WHERE user_id = $1 AND seen_at IS NOT NULL)::bigint AS heavy_seen,
              pg_size_pretty(pg_total_relation_size('notifications')) AS size`,
      [HEAVY],
    );
    console.log(`  ${JSON.stringify(sizes[0])}; load ${loaded.loadSeconds.toFixed(0)} s, vacuum ${loaded.vacuumSeconds.toFixed(0)} s`);
    const truth = await client.query(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND seen_at IS NULL`, [HEAVY]);
    const results = [];
    for (const name of Object.keys(SQL)) {
      const plan = (await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${SQL[name].text}`, SQL[name].values)).rows.map((row) => row['QUERY PLAN']);
      for (let i = 0; i < 100; i++) await get(agent, server.base, PATHS[name]);
      const api = [];
      for (let i = 0; i < samples; i++) {
        const answer = await get(agent, server.base, PATHS[name]);
        if (answer.status !== 200) throw new Error(`${PATHS[name]} answered ${answer.status}: ${answer.body}`);
        api.push(answer.ms);
        if (i === 0 && name === 'unseen count') results.apiCount = JSON.parse(answer.body).count;
      }
      const direct = [];
      for (let i = 0; i < samples; i++) {
        const started = performance.now();
        await client.query({ text: SQL[name].text, values: SQL[name].values, name: `volume-${name}` });
        direct.push(performance.now() - started);
      }
      results.push({ name, api: summarize(api), direct: summarize(direct), plan, seqScan: plan.some((line) => /Seq Scan/.test(line)) });
      console.log(`  ${name}: pns p50 ${ms(results.at(-1).api.p50)} p99 ${ms(results.at(-1).api.p99)} ms; pg p99 ${ms(results.at(-1).direct.p99)} ms; ${plan[0]}`);
    }
    const countRight = results.apiCount === truth.rows[0].n;
    return {
      summary: `${Number(sizes[0].rows).toLocaleString('en')} rows (${sizes[0].size}); user ${HEAVY}: ${Number(sizes[0].heavy_unseen).toLocaleString('en')} unseen, ${Number(sizes[0].heavy_seen).toLocaleString('en')} seen; ${samples} sequential requests each; loaded in ${loaded.loadSeconds.toFixed(0)} s (chunks of ${chunk.toLocaleString('en')}) + VACUUM ANALYZE ${loaded.vacuumSeconds.toFixed(0)} s`,
      table: {
        headers: ['request', 'pns p50 ms', 'pns p99 ms', 'pns max ms', 'SQL via pg p50 ms', 'SQL via pg p99 ms', 'plan (top node)', 'seq scan'],
        rows: results.map((r) => [r.name, ms(r.api.p50), ms(r.api.p99), ms(r.api.max), ms(r.direct.p50), ms(r.direct.p99), r.plan.find((line) => /Scan/.test(line))?.trim().replace(/^->\s*/, '') ?? r.plan[0], r.seqScan ? 'YES' : 'no']),
      },
      targets: [
        ...results.map((r) => ({ what: `${r.name} p99 via pns`, target: '< 2 ms', value: `${ms(r.api.p99)} ms (SQL alone ${ms(r.direct.p99)} ms)`, met: r.api.p99 < 2 })),
        { what: 'no sequential scan', target: 'EXPLAIN shows none', value: results.some((r) => r.seqScan) ? 'seq scan found' : 'index scans only', met: !results.some((r) => r.seqScan) },
        { what: 'trigger-kept count equals count(*)', target: 'equal', value: `${results.apiCount} vs ${truth.rows[0].n}`, met: countRight },
      ],
      charts: [
        latencyChart('At volume: through pns (HTTP)', results.map((r) => ({ name: r.name, ladder: r.api.ladder })), [{ y: 2, label: 'p99 target 2 ms' }]),
        latencyChart('At volume: the same SQL via pg', results.map((r) => ({ name: r.name, ladder: r.direct.ladder }))),
      ],
      details: { sizes: sizes[0], loaded, results },
    };
  } finally {
    agent.destroy();
    await client.end();
    await server.stop();
    // Ten million fresh rows would otherwise draw autovacuum (reading and freezing 2.6 GB)
    // into the next scenario's measurements.
    await dropDatabase(ctx.db.url, 'bench_volume');
  }
}
