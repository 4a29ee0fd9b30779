import type pg from 'pg';

/**
 * All SQL of the bus. It runs on the bus's own connection, which the Bus opens, watches and
 * reopens: LISTEN belongs to one session, so that connection cannot come from the pool.
 */
export class BusRepository {
  /** Channel names are our constants, never input: LISTEN takes no bound parameters. */
  async listen(connection: pg.Client, channels: readonly string[]): Promise<void> {
    await connection.query(channels.map((channel) => `LISTEN ${channel}`).join('; '));
  }

  async notify(connection: pg.Client, channel: string, payload: string): Promise<void> {
    await connection.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /** Sessions on this database whose application_name starts with `prefix`. */
  async countSessions(connection: pg.Client, applicationNamePrefix: string): Promise<number> {
    const { rows } = await connection.query<{ live: number }>(
      `SELECT count(*)::int AS live FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1`,
      [`${applicationNamePrefix}%`],
    );
    return rows[0].live;
  }
}
