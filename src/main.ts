import 'reflect-metadata';
import cluster from 'node:cluster';
import type { ListenOptions } from 'node:net';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { runPrimary } from './cluster/primary.js';
import { workerHeader, workerNumber } from './cluster/worker.js';
import { ConfigError, loadConfig } from './config/config.schema.js';
import { HttpDrain } from './http/http-drain.js';
import { drainAndClose } from './shutdown.js';

const ACCEPT_BACKLOG = 4096;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`pns: ${error.message}\n`);
    process.exit(1);
  }
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config);
  const drain = new HttpDrain();
  const app = await createApp(config, undefined, drain);
  const worker = workerNumber();
  if (worker !== undefined) app.use(workerHeader(worker));
  // Node's default accept queue (511) overflows when an instance's devices come back at once,
  // and each connection the kernel drops waits out SYN retransmits (1, 3, 7, 15, 31 s): a storm
  // of 19,000 devices then took a minute (docs/performance.md, Connections). Linux caps it at
  // net.core.somaxconn (4096 by default).
  const listenOptions: ListenOptions = { port: config.port, backlog: ACCEPT_BACKLOG };
  // Nest passes its first argument on to http.Server#listen, which takes these options.
  await app.listen(listenOptions as unknown as number);
  const logger = new Logger('pns');
  exitOnSignals(config.shutdownTimeoutMs, async () => {
    logger.log('shutting down');
    await drainAndClose(app, drain, config.shutdownTimeoutMs);
  });
  logger.log(`listening on port ${config.port}${worker === undefined ? '' : ` (worker ${worker})`}`);
  if (config.appTokenGenerated) {
    // Deliberately not through the logger: a token never goes into a log line.
    process.stdout.write(`\npns: no APP_TOKEN set; this run's generated app token is:\n\n    ${config.appToken}\n\n`);
  }
  if (!config.allowedOrigins) logger.warn('ALLOWED_ORIGINS is not set: device connections are accepted from any origin');
}

/**
 * SIGTERM/SIGINT drain and close the app (shutdown.ts) and exit 0 (1 past SHUTDOWN_TIMEOUT) —
 * Nest's own shutdown hooks would re-raise the signal and exit non-zero instead.
 */
function exitOnSignals(deadlineMs: number, close: () => Promise<void>): void {
  let closing = false;
  // A worker gets a terminal's Ctrl-C twice (from the terminal and from its primary): once is enough.
  const shutdown = () => {
    if (closing) return;
    closing = true;
    const deadline = setTimeout(() => {
      process.stderr.write(`pns: shutdown took longer than SHUTDOWN_TIMEOUT (${deadlineMs} ms); exiting\n`);
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`pns: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`pns: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
