// 2. Batch ingest: one request naming 1,000 userIds (each with a connected device), against a
// minimal Nest endpoint doing one INSERT … SELECT unnest into an identical table.
import { explainIngest, resetStatements, TOKEN, topStatements } from '../lib/env.mjs';
import { latencyChart, lineChart } from '../lib/chart.mjs';
import { pnsAndBaseline, userIds } from '../lib/setup.mjs';
import { ms } from '../lib/stats.mjs';
import { cpuDuring } from '../lib/cpu.mjs';

export const title = 'Batch ingest';

export async function run(ctx) {
  const levels = (process.env.BENCH_BATCH_CONCURRENCY ?? '1,2,4,8').split(',').map(Number);
  const durationSec = Number(process.env.BENCH_DURATION ?? 5);
  const batch = Number(process.env.BENCH_BATCH_SIZE ?? 1000);
  const users = userIds('batch', batch);
  const { pns, baseline, cannon, groups, stop } = await pnsAndBaseline(ctx, 'batch', users);
  try {
    const load = async (server, connections, seconds = durationSec) => {
      const { result, cores } = await cpuDuring(groups(server), () => cannon.call('load', { url: server.base, path: '/api/notifications', connections, durationSec: seconds, users, batch, token: TOKEN }));
      return { ...result, cores };
    };
    await load(pns.server, 2, 3);
    await load(baseline, 2, 3);
    await resetStatements(pns.databaseUrl);
    const rows = [];
    for (const connections of levels) {
      const p = await load(pns.server, connections);
      const b = await load(baseline, connections);
      rows.push({ connections, pns: p, baseline: b });
      console.log(`    cores busy: pns run ${JSON.stringify(p.cores)}; baseline run ${JSON.stringify(b.cores)}`);
      console.log(`  c=${connections}: pns ${(p.requestsPerSec * batch).toFixed(0)} recipients/s p99 ${ms(p.latency.p99)} ms; baseline ${(b.requestsPerSec * batch).toFixed(0)}/s`);
    }
    const statements = await topStatements(pns.databaseUrl, 6);
    const explain = await explainIngest(pns.databaseUrl, users);
    console.log(explain.map((line) => `    ${line}`).join('\n'));
    const peak = rows.reduce((best, row) => (row.pns.requestsPerSec > best.pns.requestsPerSec ? row : best));
    const basePeak = Math.max(...rows.map((r) => r.baseline.requestsPerSec));
    const recipients = peak.pns.requestsPerSec * batch;
    return {
      summary: `${batch} userIds per request, a device connected for each; ${durationSec} s per level`,
      table: {
        headers: ['concurrency', 'pns recipients/s', 'pns p50 ms', 'pns p99 ms', 'baseline recipients/s', 'baseline p50 ms', 'baseline p99 ms', 'pns/baseline'],
        rows: rows.map((r) => [
          r.connections,
          (r.pns.requestsPerSec * batch).toFixed(0),
          ms(r.pns.latency.p50),
          ms(r.pns.latency.p99),
          (r.baseline.requestsPerSec * batch).toFixed(0),
          ms(r.baseline.latency.p50),
          ms(r.baseline.latency.p99),
          `${((100 * r.pns.requestsPerSec) / r.baseline.requestsPerSec).toFixed(0)}%`,
        ]),
      },
      targets: [
        { what: 'peak recipients/s', target: '≥ 100,000/s', value: `${recipients.toFixed(0)}/s (c=${peak.connections}; baseline ${(basePeak * batch).toFixed(0)}/s)`, met: recipients >= 100_000 },
      ],
      charts: [
        lineChart({
          title: `Batch ingest (${batch} users/request): throughput`,
          xLabel: 'concurrent requests',
          yLabel: 'recipients / s',
          categories: rows.map((r) => String(r.connections)),
          series: [
            { name: 'pns', points: rows.map((r, i) => [i, r.pns.requestsPerSec * batch]) },
            { name: 'baseline: Nest + one INSERT…unnest', points: rows.map((r, i) => [i, r.baseline.requestsPerSec * batch]) },
          ],
          targets: [{ y: 100_000, label: 'target 100,000/s' }],
        }),
        latencyChart(`Batch request latency at c=${peak.connections}`, [
          { name: 'pns', ladder: peak.pns.latency.ladder },
          { name: 'baseline', ladder: peak.baseline.latency.ladder },
        ]),
      ],
      details: { levels: rows, topStatements: statements, explainIngest: explain },
    };
  } finally {
    await stop();
  }
}
