import type { INestApplication, LoggerService } from '@nestjs/common';
import pg from 'pg';
import { createApp } from '../../src/app.factory';
import type { Clock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig, type Environment } from '../../src/config/config.schema';
import { createTestDatabase } from './database';

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

/** A user's REST path: `/api/users/<userId><rest>`, the id encoded as a client would. */
export const userPath = (userId: string, rest = '') => `/api/users/${encodeURIComponent(userId)}${rest}`;

/** pns on a fresh database, and a client of that database for what a spec checks as a DBA would. */
export interface AppWithDatabase {
  readonly pns: RunningApp;
  readonly db: pg.Client;
  close(): Promise<void>;
}

export async function startAppWithDatabase(env: Environment = {}): Promise<AppWithDatabase> {
  const url = await createTestDatabase();
  const db = new pg.Client({ connectionString: url });
  const [pns] = await Promise.all([startApp(url, env), db.connect()]);
  return {
    pns,
    db,
    close: async () => {
      await db.end();
      await pns.close();
    },
  };
}
