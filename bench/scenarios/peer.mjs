// 7. Peer: pns against a stand-in for notification-socket.io, the server it replaces (Express 4
// + socket.io 1.x, in memory, stores nothing), under the same driver: 200 devices over 100 users,
// `PUT /api/:userId/register` then `POST /api/:userId/push`, closed loop at several concurrencies.
// pns runs with WORKERS=1 and WORKERS=2; all three are up at once and the points interleave, so
// that the machine's drift (other engineers' load) spreads over all of them alike.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { latencyChart } from '../lib/chart.mjs';
import { cpuDuring } from '../lib/cpu.mjs';
import { createDatabase, query, registerTickets, resetStatements, ROOT, startServer, TOKEN } from '../lib/env.mjs';
import { sleep } from '../lib/procs.mjs';
import { userIds, worker } from '../lib/setup.mjs';
import { ms, summarize } from '../lib/stats.mjs';

export const title = 'Peer: pns against a notification-socket.io stand-in';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

/** A server with its devices (one peer worker) and its poster (another). */
async function startTarget(name, server, kind, users, devicesPerUser, databaseUrl) {
  const list = users.flatMap((user) => Array.from({ length: devicesPerUser }, () => user));
  const tickets = await registerTickets(server.base, list);
  const devices = worker('peer');
  const poster = worker('peer');
  await devices.call('connect', { kind, base: server.base, list: list.map((user, i) => ({ user, connectionId: tickets[i] })) });
  return { name, server, kind, devices, poster, users, devicesPerUser, databaseUrl };
}

/** The server's processes: itself and, under WORKERS, its workers. */
function serverPids(pid) {
  try {
    return [pid, ...execFileSync('pgrep', ['-P', String(pid), '-f', 'main.js'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number)];
  } catch {
    return [pid];
  }
}

/** One point: `concurrency` posts in flight for `durationMs`; push/s and delivery latency (post sent → device heard it). */
async function measure(target, concurrency, durationMs) {
  await target.devices.call('mark');
  if (target.databaseUrl) await resetStatements(target.databaseUrl);
  const groups = { server: serverPids(target.server.pid), loadgen: target.poster.child.pid, devices: target.devices.child.pid, harness: process.pid };
  const { result: round, cores } = await cpuDuring(groups, () =>
    target.poster.call('push', { base: target.server.base, token: TOKEN, users: target.users, concurrency, durationMs }),
  );
  await sleep(1500); // the last deliveries
  const report = await target.devices.call('report');
  const ok = round.posts.filter((post) => post.status >= 200 && post.status < 300);
  // The database work a notification costs, whatever the number of instances: statements run on
  // pns's database (pg_stat_statements, reset above), per push stored.
  const byStatement = target.databaseUrl
    ? await query(
        target.databaseUrl,
        `SELECT calls::bigint AS calls, round(mean_exec_time::numeric, 3)::float AS mean_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY calls DESC`,
      )
    : undefined;
  const statements = byStatement?.reduce((sum, row) => sum + Number(row.calls), 0);
  const latencies = [];
  let undelivered = 0;
  if (target.kind === 'pns') {
    // A device hears counts: its k-th post of the round is delivered by the first frame counting start + k or more.
    const sentByUser = new Map();
    for (const post of ok) (sentByUser.get(post.user) ?? sentByUser.set(post.user, []).get(post.user)).push(post.sent);
    for (const sends of sentByUser.values()) sends.sort((a, b) => a - b);
    for (const device of report) {
      const sends = sentByUser.get(device.user) ?? [];
      for (let k = 1; k <= sends.length; k++) {
        const frame = device.arrivals.find(([, count]) => count >= device.start + k);
        if (frame) latencies.push((frame[0] - sends[k - 1]) / 1000);
        else undelivered++;
      }
    }
  } else {
    // The stand-in's message carries when it was sent.
    for (const device of report) for (const [arrived, sent] of device.arrivals) latencies.push((arrived - sent) / 1000);
    undelivered = ok.length * target.devicesPerUser - latencies.length;
  }
  return {
    concurrency,
    pushPerSecond: Math.round(ok.length / (round.elapsedUs / 1e6)),
    failed: round.posts.length - ok.length,
    undelivered,
    delivery: summarize(latencies),
    http: summarize(ok.map((post) => (post.done - post.sent) / 1000)),
    statementsPerPush: statements === undefined ? undefined : +(statements / ok.length).toFixed(2),
    // Which statements they were, the most frequent first, per push stored, with their mean execution time.
    statementsByQuery: byStatement?.slice(0, 8).map((row) => ({ perPush: +(Number(row.calls) / ok.length).toFixed(3), meanMs: row.mean_ms, query: row.query })),
    cores,
  };
}

export async function run(ctx) {
  const userCount = Number(process.env.BENCH_PEER_USERS ?? 100);
  const devicesPerUser = Number(process.env.BENCH_PEER_DEVICES_PER_USER ?? 2);
  const concurrencies = (process.env.BENCH_PEER_CONCURRENCY ?? '8,32,64').split(',').map(Number);
  const durationMs = Number(process.env.BENCH_PEER_SECONDS ?? 8) * 1000;
  const repeats = Number(process.env.BENCH_PEER_REPEATS ?? 1);
  const users = userIds('peer', userCount);

  const targets = [];
  try {
    const standIn = await startServer('socketio-peer', { env: { AUTH_TOKEN: TOKEN } });
    targets.push(await startTarget('stand-in', standIn, 'socketio', users, devicesPerUser));
    const oneUrl = await createDatabase(ctx.db.url, 'bench_peer_w1');
    const one = await startServer('pns', { databaseUrl: oneUrl, profileDir: ctx.profile ? ctx.profileDir : undefined });
    targets.push(await startTarget('pns WORKERS=1', one, 'pns', users, devicesPerUser, oneUrl));
    // Another build of pns beside this one (e.g. the commit before a change), measured in the same run.
    if (process.env.BENCH_PEER_COMPARE_BUILD) {
      const compareUrl = await createDatabase(ctx.db.url, 'bench_peer_compare');
      const compared = await startServer('pns', { databaseUrl: compareUrl, pns: { root: ROOT, build: resolve(process.env.BENCH_PEER_COMPARE_BUILD) } });
      targets.push(await startTarget('pns WORKERS=1, compared build', compared, 'pns', users, devicesPerUser, compareUrl));
    }
    const twoUrl = await createDatabase(ctx.db.url, 'bench_peer_w2');
    const two = await startServer('pns', { databaseUrl: twoUrl, env: { WORKERS: '2' } });
    targets.push(await startTarget('pns WORKERS=2', two, 'pns', users, devicesPerUser, twoUrl));

    // Unreported warm-up: JIT, pools, every user's first post; then every device has heard one.
    for (const target of targets) {
      await target.poster.call('push', { base: target.server.base, token: TOKEN, users, concurrency: 8, durationMs: 3000 });
      await target.devices.call('waitDelivered', { atLeast: 1 });
    }

    const points = new Map(targets.map((target) => [target.name, new Map(concurrencies.map((c) => [c, []]))]));
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const concurrency of concurrencies) {
        for (const target of targets) {
          const point = await measure(target, concurrency, durationMs);
          points.get(target.name).get(concurrency).push(point);
          console.log(
            `  ${target.name} c=${concurrency}: ${point.pushPerSecond} push/s, delivery p50 ${ms(point.delivery.p50)} p99 ${ms(point.delivery.p99)} ms, ` +
              `HTTP p50 ${ms(point.http.p50)} ms, statements/push ${point.statementsPerPush ?? '—'}, failed ${point.failed}, undelivered ${point.undelivered}; cores ${JSON.stringify(point.cores)}`,
          );
        }
      }
    }

    // Medians over the repeats of each point.
    const summary = (name, concurrency) => {
      const runs = points.get(name).get(concurrency);
      return {
        pushPerSecond: median(runs.map((r) => r.pushPerSecond)),
        p50: median(runs.map((r) => r.delivery.p50)),
        p99: median(runs.map((r) => r.delivery.p99)),
        httpP50: median(runs.map((r) => r.http.p50)),
        serverCores: median(runs.map((r) => r.cores.server ?? 0)),
        statementsPerPush: runs[0].statementsPerPush === undefined ? '—' : median(runs.map((r) => r.statementsPerPush)),
        failed: runs.reduce((sum, r) => sum + r.failed, 0),
        undelivered: runs.reduce((sum, r) => sum + r.undelivered, 0),
        ladder: runs[0].delivery.ladder,
      };
    };
    const rows = [];
    const targetsMet = [];
    for (const concurrency of concurrencies) {
      const seed = summary('stand-in', concurrency);
      for (const name of targets.map((t) => t.name)) {
        const s = summary(name, concurrency);
        const rate = (s.pushPerSecond / seed.pushPerSecond).toFixed(2);
        const p50 = (s.p50 / seed.p50).toFixed(2);
        rows.push([name, concurrency, s.pushPerSecond, `${rate}×`, ms(s.p50), ms(s.p99), `${p50}×`, ms(s.httpP50), s.serverCores, s.statementsPerPush, s.failed, s.undelivered]);
        if (name === 'pns WORKERS=1') {
          targetsMet.push({ what: `push/s at concurrency ${concurrency}, pns WORKERS=1 / stand-in`, target: '≥ 1.0×', value: `${rate}×`, met: Number(rate) >= 1 });
          targetsMet.push({ what: `delivery p50 at concurrency ${concurrency}, pns WORKERS=1 / stand-in`, target: '≤ 1.5×', value: `${p50}×`, met: Number(p50) <= 1.5 });
        }
      }
    }
    const top = concurrencies.at(-1);
    return {
      summary:
        `${userCount * devicesPerUser} devices over ${userCount} users; closed-loop POST /api/:userId/push at concurrency ${concurrencies.join(', ')}, ` +
        `${durationMs / 1000} s per point, ${repeats} repeat(s) interleaved, medians; ratios against the stand-in in the same run`,
      table: {
        headers: ['server', 'concurrency', 'push/s', 'push/s ratio', 'delivery p50 ms', 'delivery p99 ms', 'p50 ratio', 'HTTP p50 ms', 'server cores', 'statements/push', 'failed', 'undelivered'],
        rows,
      },
      targets: [
        ...targetsMet,
        { what: 'every push delivered to every device', target: '0 undelivered, 0 failed', value: String(rows.reduce((sum, row) => sum + row[10] + row[11], 0)), met: rows.every((row) => row[10] === 0 && row[11] === 0) },
      ],
      charts: [latencyChart(`push sent → device heard it, concurrency ${top}`, targets.map((t) => ({ name: t.name, ladder: summary(t.name, top).ladder })))],
      details: Object.fromEntries([...points].map(([name, byConcurrency]) => [name, Object.fromEntries(byConcurrency)])),
    };
  } finally {
    for (const target of targets) {
      await target.devices.call('closeAll').catch(() => undefined);
      await target.devices.stop();
      await target.poster.stop();
      await target.server.stop();
    }
  }
}
