import cluster, { type Worker } from 'node:cluster';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { DatabaseServer } from '../database/database-server.js';
import { createLogger } from '../logging/logger.js';

// A worker that keeps dying right after its start must not be forked in a tight loop.
const RESTART_DELAY_MS = 1_000;

/**
 * The primary process of WORKERS > 1. It serves nothing itself: it readies the database once
 * (the embedded server, the migrations), then forks the workers, each a whole pns instance that
 * shares the listening port (node:cluster hands them the connections in turn) and coordinates
 * with the others through PostgreSQL as separate instances do. It restarts a worker that
 * dies, and on SIGTERM/SIGINT lets every worker drain, then stops the database and exits 0.
 */
export async function runPrimary(config: AppConfig): Promise<void> {
  Logger.overrideLogger(createLogger(config));
  const logger = new Logger('Primary');
  const database = await DatabaseServer.start(config);
  const env = {
    DATABASE_URL: database.pool.connectionString,
    DATABASE_LISTEN_URL: database.session.connectionString,
    // Migrated above, once: the workers start on the schema as it is.
    MIGRATE_ON_START: 'false',
    // A generated token must be the same in every worker; it is printed once, here.
    ...(config.appTokenGenerated ? { APP_TOKEN: config.appToken } : {}),
  };
  let stopping = false;
  const fork = (): Worker => cluster.fork(env);

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.warn(`worker ${worker.id} (pid ${worker.process.pid}) exited with ${signal ?? code}; starting another`);
    setTimeout(() => stopping || fork(), RESTART_DELAY_MS).unref();
  });
  for (let started = 0; started < config.workers; started++) fork();
  logger.log(`${config.workers} workers on port ${config.port}`);
  if (config.appTokenGenerated) {
    // Deliberately not through the logger: a token never goes into a log line.
    process.stdout.write(`\npns: no APP_TOKEN set; this run's generated app token is:\n\n    ${config.appToken}\n\n`);
  }

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining ${Object.keys(cluster.workers ?? {}).length} workers`);
    // Each worker drains within SHUTDOWN_TIMEOUT or exits 1 itself; the margin covers its start.
    const deadline = setTimeout(() => {
      process.stderr.write('pns: workers did not exit within SHUTDOWN_TIMEOUT; stopping them\n');
      for (const worker of liveWorkers()) worker.process.kill('SIGKILL');
      void database.stop().finally(() => process.exit(1));
    }, config.shutdownTimeoutMs + RESTART_DELAY_MS);
    deadline.unref();
    void Promise.all(liveWorkers().map((worker) => exitOf(worker, signal)))
      .then(async (codes) => {
        clearTimeout(deadline);
        await database.stop();
        process.exit(codes.every((code) => code === 0) ? 0 : 1);
      })
      .catch((error: unknown) => {
        process.stderr.write(`pns: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function liveWorkers(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && !worker.isDead());
}

/** Signals the worker and resolves with its exit code (1 when a signal ended it). */
function exitOf(worker: Worker, signal: NodeJS.Signals): Promise<number> {
  return new Promise((resolve) => {
    worker.once('exit', (code, killedBy) => resolve(killedBy ? 1 : code));
    worker.process.kill(signal);
  });
}
