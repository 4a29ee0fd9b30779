// 3. Push latency: POST → the count frame arriving at the device, at a fixed rate with 10,000
// devices connected; baseline: a bare ws server relaying the same frame (no framework, no database).
// BENCH_PUSH_BASE=<commit> also runs pns as it was at that commit, on the same devices and rates.
import { buildAt } from '../lib/build-at.mjs';
import { latencyChart } from '../lib/chart.mjs';
import { cpuDuring } from '../lib/cpu.mjs';
import { TOKEN } from '../lib/env.mjs';
import { sleep } from '../lib/procs.mjs';
import { pushLatencies } from '../lib/push.mjs';
import { bareWithDevices, pnsWithDevices, userIds, worker } from '../lib/setup.mjs';
import { ms } from '../lib/stats.mjs';

export const title = 'Push latency';

/** The rate: the targets are judged there; lower rates show where saturation begins. */
const TARGET_RATE = 1000;

export async function run(ctx) {
  const devices = Number(process.env.BENCH_PUSH_DEVICES ?? 10_000);
  const rates = (process.env.BENCH_PUSH_RATE ?? `300,600,${TARGET_RATE}`).split(',').map(Number);
  const durationMs = Number(process.env.BENCH_PUSH_SECONDS ?? 10) * 1000;
  const fleets = Math.max(1, Math.ceil(devices / 5000));
  const users = userIds('push', devices);

  /**
   * Each rate in turn on the same devices, after an unreported warm-up round at the first rate
   * (JIT of the delivery path, the pool's connections, every user's first post: a first round
   * at 1,000/s had a p99 of 1.3 s in its first second alone). A round's posts raise the counts
   * the next starts from.
   */
  const measure = async (target) => {
    const poster = worker('poster');
    const counts = new Map();
    const rounds = [];
    const round = async (rate, roundMs) => {
      await target.fleet.mark();
      const groups = { server: target.server.pid, loadgen: poster.child.pid, devices: target.fleet.workers.map((w) => w.child.pid), harness: process.pid };
      const { result: posted, cores } = await cpuDuring(groups, () => poster.call('post', { base: target.server.base, path: '/api/notifications', token: TOKEN, rate, durationMs: roundMs, users }));
      await sleep(2000); // the last frames
      const { stored, ...result } = pushLatencies(users, posted, await target.fleet.arrivals(), counts);
      for (const [user, count] of stored) counts.set(user, (counts.get(user) ?? 0) + count);
      return { rate, ...result, cores, connectMs: target.fleet.connectMs };
    };
    try {
      await round(rates[0], 3000);
      for (const rate of rates) {
        const result = await round(rate, durationMs);
        rounds.push(result);
        console.log(`  ${target.name} at ${rate}/s: push p50 ${ms(result.push.p50)} p99 ${ms(result.push.p99)} max ${ms(result.push.max)}; p99 by second ${result.p99BySecond.join(' ')}; cores ${JSON.stringify(result.cores)}`);
      }
      return rounds;
    } finally {
      await poster.stop();
    }
  };

  const pnsTarget = await pnsWithDevices(ctx, 'bench_push', users, { fleets });
  let pnsRounds;
  try {
    console.log(`  pns: ${pnsTarget.fleet.open} devices connected in ${(pnsTarget.fleet.connectMs / 1000).toFixed(1)} s`);
    pnsRounds = await measure({ ...pnsTarget, name: 'pns' });
  } finally {
    await pnsTarget.fleet?.stop();
    await pnsTarget.server.stop();
  }
  let baseRounds = [];
  const base = process.env.BENCH_PUSH_BASE ? await buildAt(process.env.BENCH_PUSH_BASE) : undefined;
  if (base) {
    const baseTarget = await pnsWithDevices(ctx, 'bench_push_base', users, { fleets, pns: base, profile: false });
    try {
      baseRounds = await measure({ ...baseTarget, name: `pns at ${base.commit}` });
    } finally {
      await baseTarget.fleet?.stop();
      await baseTarget.server.stop();
    }
  }
  const bareTarget = await bareWithDevices(users, { fleets });
  let bareRounds;
  try {
    bareRounds = await measure({ ...bareTarget, name: 'bare ws' });
  } finally {
    await bareTarget.fleet.stop();
    await bareTarget.server.stop();
  }
  const judged = rates.includes(TARGET_RATE) ? TARGET_RATE : Math.max(...rates);
  const pns = pnsRounds.find((round) => round.rate === judged);
  const bare = bareRounds.find((round) => round.rate === judged);
  const row = (name, r) => [name, `${r.rate}/s`, r.push.count, ms(r.push.p50), ms(r.push.p99), ms(r.push.max), ms(r.http.p50), ms(r.http.p99), r.failed + r.dropped, r.undelivered, r.cores.server ?? 0];
  return {
    summary: `${devices} devices (one per user) in ${fleets} fleet process(es); open-loop poster at ${rates.join(', ')} POST/s in turn, ${durationMs / 1000} s each, users round-robin`,
    table: {
      headers: ['server', 'rate', 'posts', 'push p50 ms', 'push p99 ms', 'push max ms', 'HTTP p50 ms', 'HTTP p99 ms', 'failed/dropped', 'undelivered', 'server cores'],
      rows: [...pnsRounds.map((r) => row('pns', r)), ...baseRounds.map((r) => row(`pns at ${base.commit}`, r)), ...bareRounds.map((r) => row('bare ws relay', r))],
    },
    targets: [
      { what: `push p50 at ${judged}/s`, target: '< 5 ms', value: `${ms(pns.push.p50)} ms (bare ws ${ms(bare.push.p50)} ms)`, met: pns.push.p50 < 5 },
      { what: `push p99 at ${judged}/s`, target: '< 25 ms', value: `${ms(pns.push.p99)} ms (bare ws ${ms(bare.push.p99)} ms)`, met: pns.push.p99 < 25 },
      {
        what: 'every post delivered',
        target: '0 undelivered',
        value: String(pnsRounds.reduce((sum, r) => sum + r.undelivered, 0)),
        met: pnsRounds.every((r) => r.undelivered === 0 && r.failed === 0),
      },
      // Against the earlier build, every rate: what a change to pns did to this path.
      ...baseRounds.flatMap((then) => {
        const now = pnsRounds.find((round) => round.rate === then.rate);
        return ['p50', 'p99'].map((quantile) => ({
          what: `push ${quantile} at ${then.rate}/s, pns / pns at ${base.commit}`,
          target: '≤ 1.0×',
          value: `${(now.push[quantile] / then.push[quantile]).toFixed(2)}× (${ms(now.push[quantile])} against ${ms(then.push[quantile])} ms)`,
          met: now.push[quantile] <= then.push[quantile],
        }));
      }),
    ],
    charts: [
      latencyChart(`POST → count frame at the device (${judged}/s, ${devices} devices)`, [
        { name: 'pns', ladder: pns.push.ladder },
        { name: 'bare ws relay', ladder: bare.push.ladder },
      ], [{ y: 25, label: 'p99 target 25 ms' }, { y: 5, label: 'p50 target 5 ms' }]),
      latencyChart('pns: POST → count frame by rate', pnsRounds.map((r) => ({ name: `${r.rate}/s`, ladder: r.push.ladder })), [{ y: 25, label: 'p99 target 25 ms' }, { y: 5, label: 'p50 target 5 ms' }]),
    ],
    details: { pns: pnsRounds, ...(base ? { base: { commit: base.commit, rounds: baseRounds } } : {}), bare: bareRounds },
  };
}
