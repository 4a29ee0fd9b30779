import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, freemem, totalmem } from 'node:os';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { run, sleep, stopChild, track } from './procs.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
/**
 * pns compiled from the current sources into a folder of the bench's own (dist/ is shared with
 * others). BENCH_PNS_BUILD runs another build instead (a patched scratch copy, for trying a fix),
 * which is then not rebuilt.
 */
export const BUILD = process.env.BENCH_PNS_BUILD ? resolve(process.env.BENCH_PNS_BUILD) : join(ROOT, 'bench/.build/pns');
export const TOKEN = 'bench-app-token';

export async function buildPns() {
  if (process.env.BENCH_PNS_BUILD) {
    await readFile(join(BUILD, 'main.js'));
    console.log(`running the pns build in ${BUILD} (BENCH_PNS_BUILD), not rebuilt`);
    return;
  }
  const started = Date.now();
  await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', BUILD], { cwd: ROOT, allowFailure: true });
  // Type errors in files other engineers are editing still emit JavaScript; a missing main.js is fatal.
  await readFile(join(BUILD, 'main.js'));
  // pns reads ../package.json relative to its build folder (name and version for /api/status/info).
  await copyFile(join(ROOT, 'package.json'), join(BUILD, '../package.json'));
  console.log(`built pns into ${BUILD} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export function freePort(host = '127.0.0.1') {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

const quiet = { log() {}, warn(message) { console.warn(`postgres: ${message}`); }, debug() {}, error(message) { console.error(`postgres: ${message}`); } };

/**
 * One embedded PostgreSQL for the whole run (pns's own startEmbeddedPostgres), in a temp dir
 * removed at the end. Restarted once with pg_stat_statements preloaded, so scenarios can say
 * where the database time goes.
 */
export async function startDatabase() {
  const { startEmbeddedPostgres } = await import(join(BUILD, 'database/embedded-postgres.js'));
  const dir = await mkdtemp(join(tmpdir(), 'pns-bench-'));
  await chmod(dir, 0o755);
  let server = await startEmbeddedPostgres(dir, quiet);
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await admin.end();
  await server.stop();
  server = await startEmbeddedPostgres(dir, quiet);
  const version = await query(server.url, 'SHOW server_version').then((rows) => rows[0].server_version);
  return {
    url: server.url,
    version,
    dir,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function query(url, sql, values) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A fresh database with pns's migrations applied (pns's own migrator). `pns` names another
 * build of pns (its checkout `root` and compiled `build`, see build-at.mjs) whose migrations to apply.
 */
export async function createDatabase(serverUrl, name, pns = { root: ROOT, build: BUILD }) {
  await query(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await query(serverUrl, `CREATE DATABASE ${name}`);
  const url = databaseUrl(serverUrl, name);
  const { applyMigrations } = await import(join(pns.build, 'database/migrator.js'));
  await applyMigrations(url, join(pns.root, 'prisma/migrations'), quiet);
  await query(url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return url;
}

export async function dropDatabase(serverUrl, name) {
  await query(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Waits until `url` answers 200, or throws after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs = 30_000, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${child.benchName} exited with ${child.exitCode} during start`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * A server under test in its own process. `kind` 'pns' runs the scratch build's main.js (or
 * that of `pns`, another build: { root, build }) in production mode; other kinds run a bench
 * server module.
 */
export async function startServer(kind, { databaseUrl: dbUrl, env = {}, profileDir, host = '127.0.0.1', inspect = false, pns = { root: ROOT, build: BUILD } } = {}) {
  const port = await freePort();
  const inspectPort = inspect ? await freePort() : undefined;
  const execArgv = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...(inspect ? [`--inspect=127.0.0.1:${inspectPort}`] : [])];
  const script = kind === 'pns' ? join(pns.build, 'main.js') : join(ROOT, `bench/servers/${kind}.mjs`);
  const child = track(
    spawn(process.execPath, [...execArgv, script], {
      cwd: kind === 'pns' ? pns.root : ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        HOST: host,
        DATABASE_URL: dbUrl ?? '',
        APP_TOKEN: TOKEN,
        RETENTION_CRON: 'off',
        MIGRATE_ON_START: 'false',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        ALLOWED_ORIGINS: 'http://127.0.0.1',
        ...env,
      },
    }),
    kind,
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/api/status/ping`, 30_000, child).catch((error) => {
    throw new Error(`${error.message}\n${stderr}`);
  });
  return {
    kind,
    pid: child.pid,
    inspectPort,
    base,
    ws: `ws://127.0.0.1:${port}`,
    stderr: () => stderr,
    async stop() {
      await stopChild(child);
    },
  };
}

/** Resident memory and CPU time of a process, from /proc. */
export async function processStats(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  const ticks = 100;
  return {
    rssBytes: Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024,
    cpuSeconds: (Number(stat[11]) + Number(stat[12])) / ticks,
  };
}

export function machine() {
  const sh = (command) => {
    try {
      return execFileSync('sh', ['-c', command], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    nproc: Number(sh('nproc')),
    cpuModel: cpus()[0]?.model ?? sh("grep -m1 'model name' /proc/cpuinfo"),
    memoryTotalGiB: +(totalmem() / 2 ** 30).toFixed(1),
    memoryFreeGiB: +(freemem() / 2 ** 30).toFixed(1),
    freeH: sh('free -h'),
    node: process.version,
    kernel: sh('uname -r'),
    fdLimit: sh('ulimit -n'),
  };
}

/** Registers one ticket per user through the API, `parallel` at a time; returns the tickets in user order. */
export async function registerTickets(base, users, parallel = 32) {
  const tickets = new Array(users.length);
  let next = 0;
  const workerLoop = async () => {
    while (next < users.length) {
      const index = next++;
      const connectionId = `bench-${index}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
      const response = await fetch(`${base}/api/${encodeURIComponent(users[index])}/register?connectionId=${connectionId}`, {
        method: 'PUT',
        headers: { 'X-Auth-Token': TOKEN },
      });
      if (response.status !== 200) throw new Error(`ticket registration answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
      tickets[index] = connectionId;
    }
  };
  await Promise.all(Array.from({ length: parallel }, workerLoop));
  return tickets;
}

export async function resetStatements(url) {
  await query(url, 'SELECT pg_stat_statements_reset()');
}

/** The statements that took the most database time since the last reset. */
export async function topStatements(url, limit = 8) {
  const rows = await query(
    url,
    `SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
     FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
     ORDER BY total_exec_time DESC LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({ ...row, total_ms: Number(row.total_ms), mean_ms: Number(row.mean_ms), calls: Number(row.calls) }));
}

export { once };

/**
 * EXPLAIN ANALYZE of pns's ingest statement (NotificationsRepository.insertAll, its very text)
 * for one request naming `users`, rolled back: where one insert's time goes, the count
 * trigger's share included.
 */
export async function explainIngest(url, users) {
  const { INSERT_NOTIFICATIONS } = await import(join(BUILD, 'notifications/insert-notifications.sql.js'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${INSERT_NOTIFICATIONS}`, [
      [JSON.stringify({ title: 'bench explain' })],
      [null],
      [null],
      users,
      users.map(() => 1),
      ['offline'],
      [null],
      [null],
      [false],
    ]);
    return rows.map((row) => row['QUERY PLAN']);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}
