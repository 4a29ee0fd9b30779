// 1. Single ingest: POST /api/notifications at increasing concurrency with 1,000 devices
// connected, against a minimal Nest endpoint doing one pg INSERT into an identical table.
import { explainIngest, query, resetStatements, TOKEN, topStatements } from '../lib/env.mjs';
import { latencyChart, lineChart } from '../lib/chart.mjs';
import { pnsAndBaseline, userIds } from '../lib/setup.mjs';
import { ms } from '../lib/stats.mjs';
import { cpuDuring } from '../lib/cpu.mjs';

export const title = 'Single ingest';

export async function run(ctx) {
  const levels = (process.env.BENCH_CONCURRENCY ?? '1,8,32,64,128').split(',').map(Number);
  const durationSec = Number(process.env.BENCH_DURATION ?? 5);
  const devices = Number(process.env.BENCH_INGEST_DEVICES ?? 1000);
  const users = userIds('ingest', devices);
  const { pns, baseline, cannon, groups, stop } = await pnsAndBaseline(ctx, 'ingest', users);
  try {
    // WAL flushes of the whole server (pg_stat_io): how many commits waited for the disk.
    const walFsyncs = async () => Number((await query(ctx.db.url, `SELECT coalesce(sum(fsyncs), 0) AS n FROM pg_stat_io WHERE object = 'wal'`))[0].n);
    const load = async (server, connections, seconds = durationSec) => {
      const fsyncsBefore = await walFsyncs();
      const { result, cores } = await cpuDuring(groups(server), () => cannon.call('load', { url: server.base, path: '/api/notifications', connections, durationSec: seconds, users, token: TOKEN }));
      await new Promise((resolve) => setTimeout(resolve, 1100)); // backends report I/O statistics at most once a second
      const fsyncs = (await walFsyncs()) - fsyncsBefore;
      return { ...result, cores, walFsyncsPerRequest: +(fsyncs / Math.max(1, result.requests)).toFixed(2), serverCpuUsPerRequest: Math.round((cores.server * result.durationSec * 1e6) / Math.max(1, result.requests)) };
    };
    // Warm both (JIT, pools, the table's first pages) before anything is measured.
    await load(pns.server, 16, 3);
    await load(baseline, 16, 3);
    await resetStatements(pns.databaseUrl);
    await pns.fleet.mark();
    const rows = [];
    for (const connections of levels) {
      const p = await load(pns.server, connections);
      const b = await load(baseline, connections);
      rows.push({ connections, pns: p, baseline: b });
      console.log(`    cores busy: pns run ${JSON.stringify(p.cores)}; baseline run ${JSON.stringify(b.cores)}`);
      console.log(`    server CPU µs/request: pns ${p.serverCpuUsPerRequest}, baseline ${b.serverCpuUsPerRequest}; WAL fsyncs/request: pns ${p.walFsyncsPerRequest}, baseline ${b.walFsyncsPerRequest}`);
      console.log(`  c=${connections}: pns ${p.requestsPerSec.toFixed(0)}/s p99 ${ms(p.latency.p99)} ms; baseline ${b.requestsPerSec.toFixed(0)}/s p99 ${ms(b.latency.p99)} ms`);
    }
    const framesReceived = [...(await pns.fleet.arrivals()).values()].reduce((sum, log) => sum + log.length, 0);
    const statements = await topStatements(pns.databaseUrl, 6);
    const explain = await explainIngest(pns.databaseUrl, [users[0]]);
    const peak = rows.reduce((best, row) => (row.pns.requestsPerSec > best.pns.requestsPerSec ? row : best));
    const basePeak = rows.reduce((best, row) => (row.baseline.requestsPerSec > best.baseline.requestsPerSec ? row : best));
    const ratio = peak.pns.requestsPerSec / basePeak.baseline.requestsPerSec;
    ctx.ingestPeak = { requestsPerSec: peak.pns.requestsPerSec, connections: peak.connections, p99: peak.pns.latency.p99 };
    return {
      summary: `${devices} devices connected; ${durationSec} s per level; autocannon (closed loop) in its own process`,
      table: {
        headers: ['concurrency', 'pns notif/s', 'pns p50 ms', 'pns p99 ms', 'baseline /s', 'baseline p50 ms', 'baseline p99 ms', 'pns/baseline', 'server CPU µs/req pns : baseline', 'WAL fsyncs/req pns : baseline'],
        rows: rows.map((r) => [
          r.connections,
          r.pns.requestsPerSec.toFixed(0),
          ms(r.pns.latency.p50),
          ms(r.pns.latency.p99),
          r.baseline.requestsPerSec.toFixed(0),
          ms(r.baseline.latency.p50),
          ms(r.baseline.latency.p99),
          `${((100 * r.pns.requestsPerSec) / r.baseline.requestsPerSec).toFixed(0)}%`,
          `${r.pns.serverCpuUsPerRequest} : ${r.baseline.serverCpuUsPerRequest}`,
          `${r.pns.walFsyncsPerRequest} : ${r.baseline.walFsyncsPerRequest}`,
        ]),
      },
      targets: [
        { what: 'peak notifications/s', target: '≥ 5,000/s', value: `${peak.pns.requestsPerSec.toFixed(0)}/s (c=${peak.connections})`, met: peak.pns.requestsPerSec >= 5000 },
        { what: 'peak vs baseline peak', target: '≥ 60%', value: `${(100 * ratio).toFixed(0)}% (baseline ${basePeak.baseline.requestsPerSec.toFixed(0)}/s)`, met: ratio >= 0.6 },
      ],
      charts: [
        lineChart({
          title: 'Single ingest: throughput vs concurrency',
          xLabel: 'concurrent connections',
          yLabel: 'notifications / s',
          categories: rows.map((r) => String(r.connections)),
          series: [
            { name: 'pns', points: rows.map((r, i) => [i, r.pns.requestsPerSec]) },
            { name: 'baseline: Nest + one pg INSERT', points: rows.map((r, i) => [i, r.baseline.requestsPerSec]) },
          ],
          targets: [{ y: 5000, label: 'target 5,000/s' }],
        }),
        latencyChart(`Single ingest latency at c=${peak.connections}`, [
          { name: 'pns', ladder: peak.pns.latency.ladder },
          { name: 'baseline', ladder: peak.baseline.latency.ladder },
        ]),
      ],
      details: { levels: rows, framesReceivedByDevices: framesReceived, topStatements: statements, explainIngest: explain },
    };
  } finally {
    await stop();
  }
}
