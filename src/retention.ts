import 'reflect-metadata';
import { Module, type DynamicModule, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConfigError, loadConfig } from './config/config.schema.js';
import { DatabaseModule } from './database/database.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { describeRetentionPass, RetentionService } from './retention/retention.service.js';

/**
 * `npm run retention`: one retention pass with the server's settings, for an external cron.
 * It reaches a running pns's database (DATABASE_URL, or the embedded server it attaches to);
 * the servers' devices hear the new counts through the NOTIFYs it sends after each batch.
 */
@Module({})
class RetentionCommandModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: RetentionCommandModule, imports: [ConfigModule.forRoot(config), DatabaseModule, RetentionModule] };
  }
}

/**
 * A cron job's output is its outcome: one line. Warnings are kept, as plain lines; errors are
 * not logged here because every one reaches main's caller, which prints it once.
 */
const commandLogger: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: (message: unknown) => void process.stderr.write(`retention: warning: ${String(message)}\n`),
};

async function main(): Promise<number> {
  let config: AppConfig;
  try {
    // This process runs one pass (the in-process schedule belongs to the server) and serves no
    // API, so a cron job running it is not handed the app token it would never use.
    config = loadConfig({ ...process.env, RETENTION_CRON: 'off', APP_TOKEN: 'unused by retention' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`retention: ${error.message}\n`);
    return 1;
  }
  const context = await NestFactory.createApplicationContext(RetentionCommandModule.forRoot(config), { logger: commandLogger, abortOnError: false });
  try {
    const result = await context.get(RetentionService).runPass();
    // Exit 0 when skipped: the pass holding the lock is doing this work, nothing is wrong.
    process.stdout.write(`retention: ${result ? describeRetentionPass(result) : 'skipped, another process is running a retention pass'}\n`);
    return 0;
  } finally {
    await context.close();
  }
}

// process.exit rather than waiting for the event loop to drain: a cron job must not hang on a
// stray handle. Writes to pipes and files are synchronous on Linux, so nothing is lost.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`retention: failed: ${messageOf(error)}\n`);
    process.exit(1);
  },
);

// Connecting to a host name with several addresses fails with an AggregateError whose own
// message is empty; the reasons are in its errors.
function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') return error.errors.map(messageOf).join('; ');
  return error instanceof Error ? error.message : String(error);
}
