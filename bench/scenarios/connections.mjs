// 4. Connections: a reconnect storm (an instance died; its devices come back at once): 19,000
// devices connect together (one process holds ~20k descriptors; the clients are spread over fleet
// processes and 127.0.0.x source addresses), each must get its user's true unseen count first;
// then RSS per connection and idle CPU at the default heartbeat. Baseline: a bare ws server
// pinging its devices as often.
import { readFile } from 'node:fs/promises';
import { lineChart } from '../lib/chart.mjs';
import { processStats, registerTickets, resetStatements, startServer, TOKEN, topStatements } from '../lib/env.mjs';
import { collectGarbage, profileDuring } from '../lib/inspector.mjs';
import { sleep } from '../lib/procs.mjs';
import { connectFleets, pnsWithDevices, userIds } from '../lib/setup.mjs';

export const title = 'Connections';

const STORM_TARGET_SECONDS = 10;
/** The same target as a ratio, for a loaded machine: 10 s against the bare server's 6.7 s when it was set. */
const STORM_TARGET_RATIO = 1.5;
const IDLE_CPU_TARGET_PERCENT = 2;
/** Largest userIds list one POST /api/notifications takes. */
const BATCH_LIMIT = 1000;

/** Connections the kernel dropped, machine-wide, because a listening socket's accept queue was full. */
async function listenOverflows() {
  const lines = (await readFile('/proc/net/netstat', 'utf8')).split('\n').filter((line) => line.startsWith('TcpExt:'));
  const [names, values] = lines.map((line) => line.split(/\s+/));
  return Number(values[names.indexOf('ListenOverflows')]);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** RSS after a full GC: live memory only. */
async function settledStats(server) {
  const heap = await collectGarbage(server.inspectPort);
  await sleep(500);
  return { ...(await processStats(server.pid)), heapUsedBytes: heap.usedSize };
}

/** A server holds the devices, its listening socket and its pools: refuse a count it cannot hold, rather than fail midway. */
async function checkDescriptors(pid, count) {
  const limits = await readFile(`/proc/${pid}/limits`, 'utf8');
  const soft = Number(/Max open files\s+(\d+)/.exec(limits)?.[1] ?? Infinity);
  if (count + 200 > soft) throw new Error(`the server may open ${soft} files (ulimit -n) and cannot hold ${count} devices; raise the limit or lower BENCH_CONNECTIONS`);
}

/**
 * Gives user i of `users` i % 3 unseen notifications (in requests of up to 1,000 userIds), so
 * that a device's first count can be checked against its user's own; answers the counts.
 */
async function seedCounts(base, users) {
  const expected = new Map(users.map((user, i) => [user, i % 3]));
  for (const round of [1, 2]) {
    const recipients = users.filter((user) => expected.get(user) >= round);
    for (let start = 0; start < recipients.length; start += BATCH_LIMIT) {
      const response = await fetch(`${base}/api/notifications`, {
        method: 'POST',
        headers: { 'X-Auth-Token': TOKEN, 'content-type': 'application/json' },
        body: JSON.stringify({ userIds: recipients.slice(start, start + BATCH_LIMIT), data: { title: 'before the storm' } }),
      });
      if (response.status !== 201) throw new Error(`seeding answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  }
  return expected;
}

/** How many devices got a first count other than their user's. */
async function wrongFirstCounts(fleet, expected) {
  const firstCounts = await fleet.firstCounts();
  let wrong = 0;
  for (const [user, count] of expected) if (firstCounts.get(user) !== count) wrong++;
  return wrong;
}

/** The storm (profiled as `<name>-storm`), then memory, then CPU over `idleSeconds` of quiet (`<name>-idle`). */
async function stormAndIdle(ctx, name, server, devices, { fleets, idleSeconds, expected }) {
  await checkDescriptors(server.pid, devices.length);
  const before = await settledStats(server);
  const profileDir = ctx.profile ? ctx.profileDir : undefined;
  const overflowsBefore = await listenOverflows();
  const cpuBefore = (await processStats(server.pid)).cpuSeconds;
  const fleet = await profileDuring(server.inspectPort, profileDir, `${name}-storm`, () => connectFleets(server.ws, devices, { fleets, addressesPerFleet: 2 }));
  try {
    const stormCpuSeconds = (await processStats(server.pid)).cpuSeconds - cpuBefore;
    const overflows = (await listenOverflows()) - overflowsBefore;
    const wrong = expected ? await wrongFirstCounts(fleet, expected) : undefined;
    await sleep(3000);
    const connected = await settledStats(server);
    const idle = await profileDuring(server.inspectPort, profileDir, `${name}-idle`, async () => {
      const start = await processStats(server.pid);
      await sleep(idleSeconds * 1000);
      return (await processStats(server.pid)).cpuSeconds - start.cpuSeconds;
    });
    return {
      open: fleet.open,
      connectSeconds: fleet.connectMs / 1000,
      firstCountsSeconds: fleet.firstFramesMs / 1000,
      firstCountP50Seconds: percentile(fleet.firstFrameDelaysMs, 50) / 1000,
      firstCountP99Seconds: percentile(fleet.firstFrameDelaysMs, 99) / 1000,
      listenOverflows: overflows,
      // What a loaded machine does not change much: the server's own CPU for each device it let in.
      cpuUsPerConnection: Math.round((stormCpuSeconds * 1e6) / devices.length),
      firstFrames: fleet.firstFrames,
      wrongFirstCounts: wrong,
      rssBeforeMiB: +(before.rssBytes / 2 ** 20).toFixed(1),
      rssConnectedMiB: +(connected.rssBytes / 2 ** 20).toFixed(1),
      bytesPerConnection: Math.round((connected.rssBytes - before.rssBytes) / devices.length),
      heapBytesPerConnection: Math.round((connected.heapUsedBytes - before.heapUsedBytes) / devices.length),
      idleCpuPercent: +((100 * idle) / idleSeconds).toFixed(2),
    };
  } finally {
    await fleet.stop();
  }
}

export async function run(ctx) {
  const count = Number(process.env.BENCH_CONNECTIONS ?? 19_000);
  const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
  // pns's default HEARTBEAT_INTERVAL; the bare server pings as often.
  const heartbeatSeconds = Number(process.env.BENCH_HEARTBEAT_SECONDS ?? 30);
  const fleets = Math.max(1, Math.ceil(count / 5000));
  const users = userIds('conn', count);
  const options = { fleets, idleSeconds };

  // pns: warm (tickets registered, counts seeded, its pools open) before the storm.
  const pns = await pnsWithDevices(ctx, 'bench_connections', [], { env: { HEARTBEAT_INTERVAL: `${heartbeatSeconds}s` }, inspect: true, profile: false });
  let pnsResult;
  try {
    const tickets = await registerTickets(pns.server.base, users);
    const expected = await seedCounts(pns.server.base, users);
    await sleep(2000);
    const devices = users.map((user, i) => ({ user, path: `/subscribe?connectionId=${tickets[i]}` }));
    await resetStatements(pns.databaseUrl);
    pnsResult = await stormAndIdle(ctx, 'pns', pns.server, devices, { ...options, expected });
    // The statements of the storm and the idle window: what pns asks of the database per device.
    pnsResult.statements = await topStatements(pns.databaseUrl, 10);
  } finally {
    await pns.server.stop();
  }
  console.log(`  pns: ${JSON.stringify(pnsResult)}`);

  const bareServer = await startServer('bare-ws', { inspect: true, env: { HEARTBEAT_INTERVAL_MS: String(heartbeatSeconds * 1000) } });
  let bareResult;
  try {
    await sleep(1000);
    const devices = users.map((user) => ({ user, path: `/subscribe?user=${user}` }));
    bareResult = await stormAndIdle(ctx, 'bare', bareServer, devices, options);
  } finally {
    await bareServer.stop();
  }
  console.log(`  bare ws: ${JSON.stringify(bareResult)}`);

  const row = (name, r) => [
    name,
    r.open,
    r.connectSeconds.toFixed(1),
    r.firstCountP50Seconds.toFixed(1),
    r.firstCountP99Seconds.toFixed(1),
    r.firstCountsSeconds.toFixed(1),
    r.wrongFirstCounts === undefined ? 'n/a' : `${r.firstFrames - r.wrongFirstCounts}/${count}`,
    r.cpuUsPerConnection,
    r.listenOverflows,
    r.rssBeforeMiB,
    r.rssConnectedMiB,
    (r.bytesPerConnection / 1024).toFixed(1),
    (r.heapBytesPerConnection / 1024).toFixed(1),
    r.idleCpuPercent,
  ];
  const allTrue = pnsResult.firstFrames === count && pnsResult.wrongFirstCounts === 0;
  return {
    summary:
      `A reconnect storm: ${count} devices (one per user; user i has i % 3 unseen notifications) connect at once from ${fleets} fleet processes ` +
      `(200 handshakes in flight each) and ${fleets * 2} source addresses (127.0.0.2…); a device's first-count time runs from the storm's first connect to that device's first count ("all": the last device's). ` +
      `RSS and JS heap read after a forced full GC (DevTools protocol, servers run with --inspect on 127.0.0.1); ` +
      `idle CPU over ${idleSeconds} s with a heartbeat every ${heartbeatSeconds} s on both (pns: HEARTBEAT_INTERVAL=${heartbeatSeconds}s, the default; bare ws: ws's README heartbeat)`,
    table: {
      headers: ['server', 'open', 'connect s', 'first count p50 s', 'p99 s', 'all s', 'true first counts', 'CPU µs / conn', 'accept queue overflows', 'RSS before MiB', 'RSS connected MiB', 'RSS KiB / conn', 'JS heap KiB / conn', 'idle CPU %'],
      rows: [row('pns', pnsResult), row('bare ws', bareResult)],
    },
    targets: [
      { what: `${count} connections held`, target: `${count}`, value: String(pnsResult.open), met: pnsResult.open === count },
      {
        what: `${count} devices connected, each with its true first count`,
        target: `≤ ${STORM_TARGET_SECONDS} s, all true`,
        value: `${pnsResult.firstCountsSeconds.toFixed(1)} s, ${pnsResult.firstFrames - pnsResult.wrongFirstCounts} true (bare ws ${bareResult.firstCountsSeconds.toFixed(1)} s)`,
        met: allTrue && pnsResult.firstCountsSeconds <= STORM_TARGET_SECONDS,
      },
      {
        what: 'storm time against bare ws in the same run',
        target: `≤ ${STORM_TARGET_RATIO}×`,
        value: `${(pnsResult.firstCountsSeconds / bareResult.firstCountsSeconds).toFixed(2)}× (CPU per connection ${(pnsResult.cpuUsPerConnection / bareResult.cpuUsPerConnection).toFixed(1)}×)`,
        met: allTrue && pnsResult.firstCountsSeconds <= STORM_TARGET_RATIO * bareResult.firstCountsSeconds,
      },
      {
        what: `idle CPU with ${count} devices, heartbeat ${heartbeatSeconds} s`,
        target: `≤ ${IDLE_CPU_TARGET_PERCENT}% of a core`,
        value: `${pnsResult.idleCpuPercent}% (bare ws ${bareResult.idleCpuPercent}%)`,
        met: pnsResult.idleCpuPercent <= IDLE_CPU_TARGET_PERCENT,
      },
      { what: 'memory per connection', target: '< 10 KB', value: `${(pnsResult.bytesPerConnection / 1024).toFixed(1)} KiB (bare ws ${(bareResult.bytesPerConnection / 1024).toFixed(1)} KiB)`, met: pnsResult.bytesPerConnection < 10_000 },
    ],
    charts: [
      lineChart({
        title: `Server RSS with ${count} idle devices`,
        xLabel: '',
        yLabel: 'MiB',
        categories: ['before', `${count} connected`],
        series: [
          { name: 'pns', points: [[0, pnsResult.rssBeforeMiB], [1, pnsResult.rssConnectedMiB]] },
          { name: 'bare ws', points: [[0, bareResult.rssBeforeMiB], [1, bareResult.rssConnectedMiB]] },
        ],
      }),
    ],
    details: { pns: pnsResult, bare: bareResult },
  };
}
