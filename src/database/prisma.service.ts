import { Injectable, Logger, Optional } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';
import { DatabaseServer } from './database-server.js';
import { UnnamedStatementsClient } from './unnamed-statements.js';

/** DATABASE_POOL_SIZE's default, also for specs that build the service by hand. */
const DEFAULT_POOL_SIZE = 20;
// Sessions are rare (the retention pass's lock): two cover a pass and a manual run.
const SESSION_POOL_SIZE = 2;
// A database that stops answering must not hold requests (or the readiness probe): a refused
// connection fails at once, one that hangs (or a wait for a free connection) fails after this,
// and the request is answered 503 (database-errors.ts). Long enough that a burst of requests
// queued behind row locks (many marks of one user at once) waits its turn instead of failing.
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * The two ways repositories reach PostgreSQL (DEVELOPERS.md, "One way to the database"): this
 * Prisma client for plain typed queries, and SQL on its pg pool (`query`, `transaction`,
 * `session`, or `pool` itself for named prepared statements) for the hot paths and for what
 * Prisma cannot express.
 */
@Injectable()
export class PrismaService extends PrismaClient {
  /**
   * Our own pool (or the host application's, mounted with `pool`), handed to the adapter, so
   * that its use can be measured. The few statements that run for every notification (its
   * insert, its announcement, the count read before its frame) use it directly, as named
   * prepared statements: parsed and planned once per connection, and past the Prisma client's
   * per-query interpreter, which cost more CPU than the rest of a notification's database work
   * (docs/performance.md, single ingest).
   */
  readonly pool: pg.Pool;
  /**
   * Where `session` takes its connections: the pool itself, or behind a transaction pooler a
   * small pool of direct connections (DATABASE_LISTEN_URL), since session state such as a
   * session advisory lock would otherwise outlive the transaction on a connection the pooler
   * hands to someone else.
   */
  private readonly sessions: pg.Pool;
  /** False with the host application's pool (docs/embedding.md): the host ends it, after pns is done. */
  private readonly ownsPool: boolean;
  private readonly onIdleError: (error: Error) => void;

  constructor(server: DatabaseServer, @Optional() config?: AppConfig) {
    const pooled = config?.databasePooler ?? false;
    const pool =
      server.hostPool ??
      new pg.Pool({
        ...server.pool,
        max: config?.databasePoolSize ?? DEFAULT_POOL_SIZE,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        ...(pooled ? { Client: UnnamedStatementsClient } : {}),
      });
    const sessions = pooled ? new pg.Pool({ ...server.session, max: SESSION_POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }) : pool;
    // An idle connection dropped by the server (restart, failover) is an event, not a crash:
    // the pool opens a new one on next use.
    const onIdleError = (error: Error) => new Logger(PrismaService.name).warn(`idle database connection lost: ${error.message}`);
    for (const each of new Set([pool, sessions])) each.on('error', onIdleError);
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
    this.sessions = sessions;
    this.ownsPool = server.hostPool === undefined;
    this.onIdleError = onIdleError;
  }

  /**
   * One SQL statement on the pool, written with Prisma.sql (values stay bound parameters). Rows
   * come as pg reads them: int8 as decimal text, jsonb parsed, timestamptz as Date.
   */
  query<R extends pg.QueryResultRow>(statement: Prisma.Sql): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(statement.text, statement.values);
  }

  /** Runs `work` in one transaction on one pooled connection: committed if it resolves, rolled back if it throws. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection whose rollback failed is in an unknown state: closed, not handed back.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Lends `work` one pooled connection for its whole run, for state that belongs to a session
   * (a session advisory lock). The connection is closed afterwards, never handed back, so no
   * such state reaches another user of the pool, also when `work` fails.
   */
  async session<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.sessions.connect();
    try {
      return await work(client);
    } finally {
      client.release(true);
    }
  }

  /** The pool's connections by state, for the metrics. */
  poolUsage(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async close(): Promise<void> {
    await this.$disconnect();
    if (this.ownsPool) await this.pool.end();
    else this.pool.removeListener('error', this.onIdleError);
    if (this.sessions !== this.pool) await this.sessions.end();
  }
}
