// 4. Connections: open devices up to 19,000 (one process holds ~20k descriptors; the clients are
// spread over fleet processes and 127.0.0.x source addresses), RSS per connection and idle CPU;
// baseline: a bare ws server.
import { lineChart } from '../lib/chart.mjs';
import { processStats } from '../lib/env.mjs';
import { sleep } from '../lib/procs.mjs';
import { collectGarbage } from '../lib/inspector.mjs';
import { bareWithDevices, pnsWithDevices, userIds } from '../lib/setup.mjs';

export const title = 'Connections';

/** RSS after a full GC: live memory only. */
async function settledStats(server) {
  const heap = await collectGarbage(server.inspectPort);
  await sleep(500);
  return { ...(await processStats(server.pid)), heapUsedBytes: heap.usedSize };
}

async function measure(target, count, idleSeconds, before) {
  await sleep(3000);
  const connected = await settledStats(target.server);
  const idleStart = await processStats(target.server.pid);
  await sleep(idleSeconds * 1000);
  const idleEnd = await processStats(target.server.pid);
  return {
    open: target.fleet.open,
    connectSeconds: target.fleet.connectMs / 1000,
    rssBeforeMiB: +(before.rssBytes / 2 ** 20).toFixed(1),
    rssConnectedMiB: +(connected.rssBytes / 2 ** 20).toFixed(1),
    bytesPerConnection: Math.round((connected.rssBytes - before.rssBytes) / count),
    heapBytesPerConnection: Math.round((connected.heapUsedBytes - before.heapUsedBytes) / count),
    idleCpuPercent: +((100 * (idleEnd.cpuSeconds - idleStart.cpuSeconds)) / idleSeconds).toFixed(2),
  };
}

export async function run(ctx) {
  const count = Number(process.env.BENCH_CONNECTIONS ?? 19_000);
  const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
  const fleets = Math.max(1, Math.ceil(count / 5000));
  const users = userIds('conn', count);
  // Heartbeats every 10 s, so the idle window sees two rounds of pings to every device.
  const env = { HEARTBEAT_INTERVAL: '10s' };

  // pns: tickets first (the process warm, its pools open), then the measured connections.
  const pns = await pnsWithDevices(ctx, 'bench_connections', [], { env, inspect: true });
  const { registerTickets } = await import('../lib/env.mjs');
  const { connectFleets } = await import('../lib/setup.mjs');
  let pnsResult;
  try {
    const tickets = await registerTickets(pns.server.base, users);
    await sleep(2000);
    const before = await settledStats(pns.server);
    const fleet = await connectFleets(pns.server.ws, users.map((user, i) => ({ user, path: `/subscribe?connectionId=${tickets[i]}` })), { fleets, addressesPerFleet: 2 });
    try {
      pnsResult = await measure({ server: pns.server, fleet }, count, idleSeconds, before);
    } finally {
      await fleet.stop();
    }
  } finally {
    await pns.server.stop();
  }
  console.log(`  pns: ${JSON.stringify(pnsResult)}`);

  let bareResult;
  const { startServer } = await import('../lib/env.mjs');
  const bareServer = await startServer('bare-ws', { inspect: true });
  try {
    await sleep(1000);
    const before = await settledStats(bareServer);
    const fleet = await connectFleets(bareServer.ws, users.map((user) => ({ user, path: `/subscribe?user=${user}` })), { fleets, addressesPerFleet: 2 });
    try {
      bareResult = await measure({ server: bareServer, fleet }, count, idleSeconds, before);
    } finally {
      await fleet.stop();
    }
  } finally {
    await bareServer.stop();
  }
  console.log(`  bare ws: ${JSON.stringify(bareResult)}`);
  const row = (name, r) => [name, r.open, r.connectSeconds.toFixed(1), r.rssBeforeMiB, r.rssConnectedMiB, (r.bytesPerConnection / 1024).toFixed(1), (r.heapBytesPerConnection / 1024).toFixed(1), r.idleCpuPercent];
  return {
    summary: `${count} devices in ${fleets} fleet processes from ${fleets * 2} source addresses (127.0.0.2…); RSS and JS heap read after a forced full GC (DevTools protocol, servers run with --inspect on 127.0.0.1); idle CPU over ${idleSeconds} s with HEARTBEAT_INTERVAL=10s`,
    table: {
      headers: ['server', 'open', 'connect s', 'RSS before MiB', 'RSS connected MiB', 'RSS KiB / conn', 'JS heap KiB / conn', 'idle CPU %'],
      rows: [row('pns', pnsResult), row('bare ws', bareResult)],
    },
    targets: [
      { what: `${count} connections held`, target: `${count}`, value: String(pnsResult.open), met: pnsResult.open === count },
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
