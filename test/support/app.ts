import type { INestApplication, LoggerService } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import type { Clock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig, type Environment } from '../../src/config/config.schema';

export const TEST_TOKEN = 'test-app-token';

export interface RunningApp {
  readonly app: INestApplication;
  readonly config: AppConfig;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  /** ws://127.0.0.1:<port> */
  readonly wsUrl: string;
  close(): Promise<void>;
}

/**
 * Starts pns on a free port of 127.0.0.1 against `databaseUrl`, as main.ts would (silent unless
 * given a logger); `clock` (a SettableClock of ./clock) sets the time of day pns reads.
 */
export async function startApp(databaseUrl: string, env: Environment = {}, logger: LoggerService | false = false, clock?: Clock): Promise<RunningApp> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    APP_TOKEN: TEST_TOKEN,
    MIGRATE_ON_START: 'false',
    RETENTION_CRON: 'off',
    ...env,
  });
  const app = await createApp(config, logger, undefined, clock);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}

export const auth = { 'X-Auth-Token': TEST_TOKEN };
