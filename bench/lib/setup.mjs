import { join } from 'node:path';
import { createDatabase, registerTickets, ROOT, startServer } from './env.mjs';
import { Worker } from './procs.mjs';

export const worker = (name, execArgv) => new Worker(join(ROOT, `bench/workers/${name}.mjs`), name, execArgv);

export const userIds = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/**
 * Splits `devices` over `fleets` fleet processes (each stays far below the ~20k descriptors of
 * one process), each fleet connecting from its own 127.0.0.x source addresses.
 */
export async function connectFleets(base, devices, { fleets = 1, addressesPerFleet = 1 } = {}) {
  const workers = Array.from({ length: fleets }, (_, i) => worker('fleet'));
  const per = Math.ceil(devices.length / fleets);
  const results = await Promise.all(
    workers.map((fleet, i) =>
      fleet.call('connect', {
        base,
        devices: devices.slice(i * per, (i + 1) * per),
        localAddresses: Array.from({ length: addressesPerFleet }, (_, a) => `127.0.0.${2 + i * addressesPerFleet + a}`),
      }, 600_000),
    ),
  );
  const open = results.reduce((sum, r) => sum + r.open, 0);
  const failures = results.reduce((sum, r) => sum + r.failures, 0);
  if (failures > 0) {
    const reasons = results.flatMap((r) => r.failureReasons ?? []).map(([message, n]) => `${n}× ${message}`);
    throw new Error(`${failures} of ${devices.length} devices failed to connect: ${reasons.slice(0, 5).join('; ')}`);
  }
  const firsts = await Promise.all(workers.map((fleet, i) => fleet.call('waitFirstFrames', { expected: Math.min(per, devices.length - i * per) })));
  const startedAt = Math.min(...results.map((r) => r.startedAt));
  return {
    workers,
    open,
    connectMs: Math.max(...results.map((r) => r.ms)),
    /** From the first connect to the last device's first frame, over all fleets. */
    firstFramesMs: Math.max(...firsts.map((f) => f.lastFirstFrameAt)) - startedAt,
    firstFrames: firsts.reduce((sum, f) => sum + f.firstFrames, 0),
    /** Each device's first frame, ms after the first connect, sorted. */
    firstFrameDelaysMs: firsts.flatMap((f) => f.firstFrameTimes.map((t) => t - startedAt)).sort((a, b) => a - b),
    async firstCounts() {
      const reports = await Promise.all(workers.map((fleet) => fleet.call('reportFirstCounts')));
      return new Map(reports.flat());
    },
    mark: () => Promise.all(workers.map((fleet) => fleet.call('mark'))),
    async arrivals() {
      const reports = await Promise.all(workers.map((fleet) => fleet.call('report')));
      return new Map(reports.flatMap((r) => r.arrivals));
    },
    async stop() {
      await Promise.all(workers.map((fleet) => fleet.call('closeAll').catch(() => undefined)));
      await Promise.all(workers.map((fleet) => fleet.stop()));
    },
  };
}

/** pns (`pns`: another build, from buildAt) on a fresh database, with one device connected (by ticket) for each of `users`. */
export async function pnsWithDevices(ctx, dbName, users, { env = {}, fleets = 1, addressesPerFleet = 1, profile = ctx.profile, inspect = false, pns } = {}) {
  const databaseUrl = await createDatabase(ctx.db.url, dbName, pns);
  // BENCH_PNS_ENV: extra pns variables as JSON, for trying a setting (e.g. {"HEARTBEAT_INTERVAL":"1h"}).
  env = { ...JSON.parse(process.env.BENCH_PNS_ENV ?? '{}'), ...env };
  const server = await startServer('pns', { databaseUrl, env, inspect, profileDir: profile ? ctx.profileDir : undefined, pns });
  const tickets = await registerTickets(server.base, users);
  const devices = users.map((user, i) => ({ user, path: `/subscribe?connectionId=${tickets[i]}` }));
  const fleet = users.length > 0 ? await connectFleets(server.ws, devices, { fleets, addressesPerFleet }) : undefined;
  return { databaseUrl, server, fleet };
}

/** The bare ws server with one device for each of `users`. */
export async function bareWithDevices(users, { fleets = 1, addressesPerFleet = 1 } = {}) {
  const server = await startServer('bare-ws');
  const devices = users.map((user) => ({ user, path: `/subscribe?user=${encodeURIComponent(user)}` }));
  const fleet = await connectFleets(server.ws, devices, { fleets, addressesPerFleet });
  return { server, fleet };
}

/**
 * pns with a device for each of `users` and the baseline Nest endpoint, each on a fresh database
 * (`bench_<name>`, `bench_<name>_baseline`), and one autocannon worker to load either.
 * `groups(server)` names the processes whose CPU a measurement of `server` records.
 */
export async function pnsAndBaseline(ctx, name, users) {
  const pns = await pnsWithDevices(ctx, `bench_${name}`, users);
  const baseline = await startServer('baseline-nest', { databaseUrl: await createDatabase(ctx.db.url, `bench_${name}_baseline`) });
  const cannon = worker('cannon');
  return {
    pns,
    baseline,
    cannon,
    groups: (server) => ({ server: server.pid, loadgen: cannon.child.pid, devices: pns.fleet?.workers.map((w) => w.child.pid) ?? [], harness: process.pid }),
    async stop() {
      await cannon.stop();
      await baseline.stop();
      await pns.fleet?.stop();
      await pns.server.stop();
    },
  };
}
