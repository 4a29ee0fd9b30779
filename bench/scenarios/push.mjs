// 3. Push latency: POST → the count frame arriving at the device, at a fixed rate with 10,000
// devices connected; baseline: a bare ws server relaying the same frame (no framework, no database).
import { latencyChart } from '../lib/chart.mjs';
import { cpuDuring } from '../lib/cpu.mjs';
import { TOKEN } from '../lib/env.mjs';
import { sleep } from '../lib/procs.mjs';
import { pushLatencies } from '../lib/push.mjs';
import { bareWithDevices, pnsWithDevices, userIds, worker } from '../lib/setup.mjs';
import { ms } from '../lib/stats.mjs';

export const title = 'Push latency';

export async function run(ctx) {
  const devices = Number(process.env.BENCH_PUSH_DEVICES ?? 10_000);
  const rate = Number(process.env.BENCH_PUSH_RATE ?? 1000);
  const durationMs = Number(process.env.BENCH_PUSH_SECONDS ?? 10) * 1000;
  const fleets = Math.max(1, Math.ceil(devices / 5000));
  const users = userIds('push', devices);

  const measure = async (target) => {
    const poster = worker('poster');
    try {
      // Warm up (JIT, pools) on a user with no device, so the measured users all start at count 0.
      await poster.call('post', { base: target.server.base, path: '/api/notifications', token: TOKEN, rate: 200, durationMs: 2000, users: ['push-warmup'] });
      await target.fleet.mark();
      const groups = { server: target.server.pid, loadgen: poster.child.pid, devices: target.fleet.workers.map((w) => w.child.pid), harness: process.pid };
      const { result: posted, cores } = await cpuDuring(groups, () => poster.call('post', { base: target.server.base, path: '/api/notifications', token: TOKEN, rate, durationMs, users }));
      await sleep(2000); // the last frames
      return { ...pushLatencies(users, posted, await target.fleet.arrivals()), cores, connectMs: target.fleet.connectMs };
    } finally {
      await poster.stop();
    }
  };

  const pnsTarget = await pnsWithDevices(ctx, 'bench_push', users, { fleets });
  let pns;
  try {
    console.log(`  pns: ${pnsTarget.fleet.open} devices connected in ${(pnsTarget.fleet.connectMs / 1000).toFixed(1)} s`);
    pns = await measure(pnsTarget);
  } finally {
    await pnsTarget.fleet?.stop();
    await pnsTarget.server.stop();
  }
  const bareTarget = await bareWithDevices(users, { fleets });
  let bare;
  try {
    bare = await measure(bareTarget);
  } finally {
    await bareTarget.fleet.stop();
    await bareTarget.server.stop();
  }
  console.log(`  pns push p50 ${ms(pns.push.p50)} p99 ${ms(pns.push.p99)} max ${ms(pns.push.max)}; bare ws p50 ${ms(bare.push.p50)} p99 ${ms(bare.push.p99)}; cores ${JSON.stringify(pns.cores)} / ${JSON.stringify(bare.cores)}`);
  const row = (name, r) => [name, r.push.count, ms(r.push.p50), ms(r.push.p99), ms(r.push.max), ms(r.http.p50), ms(r.http.p99), r.failed + r.dropped, r.undelivered, r.cores.server ?? 0];
  return {
    summary: `${devices} devices (one per user) in ${fleets} fleet process(es); open-loop poster at ${rate} POST/s for ${durationMs / 1000} s, users round-robin`,
    table: {
      headers: ['server', 'posts', 'push p50 ms', 'push p99 ms', 'push max ms', 'HTTP p50 ms', 'HTTP p99 ms', 'failed/dropped', 'undelivered', 'server cores'],
      rows: [row('pns', pns), row('bare ws relay', bare)],
    },
    targets: [
      { what: 'push p50', target: '< 5 ms', value: `${ms(pns.push.p50)} ms (bare ws ${ms(bare.push.p50)} ms)`, met: pns.push.p50 < 5 },
      { what: 'push p99', target: '< 25 ms', value: `${ms(pns.push.p99)} ms (bare ws ${ms(bare.push.p99)} ms)`, met: pns.push.p99 < 25 },
      { what: 'every post delivered', target: '0 undelivered', value: String(pns.undelivered), met: pns.undelivered === 0 && pns.failed === 0 },
    ],
    charts: [
      latencyChart(`POST → count frame at the device (${rate}/s, ${devices} devices)`, [
        { name: 'pns', ladder: pns.push.ladder },
        { name: 'bare ws relay', ladder: bare.push.ladder },
      ], [{ y: 25, label: 'p99 target 25 ms' }, { y: 5, label: 'p50 target 5 ms' }]),
      latencyChart('POST answered (HTTP latency)', [
        { name: 'pns', ladder: pns.http.ladder },
        { name: 'bare ws relay', ladder: bare.http.ladder },
      ]),
    ],
    details: { pns, bare },
  };
}
