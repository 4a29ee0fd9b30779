import type pg from 'pg';

/**
 * A connection of its own, as another client of the database (a psql session, another program)
 * would have: what a database spec does beside pns, named, with its SQL here rather than in src/
 * (DEVELOPERS.md: only repositories hold SQL there).
 */
export class DatabaseClient {
  /** `client` is connected, and this object's alone. */
  constructor(private readonly client: pg.Client) {}

  /** Opens a transaction and answers its start time, which stamps the created_at of its inserts. */
  async begin(): Promise<Date> {
    await this.client.query('BEGIN');
    const {
      rows: [{ started }],
    } = await this.client.query<{ started: Date }>('SELECT now() AS started');
    return started;
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
  }

  /** A seen notification written by hand, past pns's services (so nobody announces it). */
  async insertSeenNotification(userId: string, data: unknown): Promise<void> {
    await this.client.query('INSERT INTO notifications (user_id, data, seen_at) VALUES ($1, $2::jsonb, now())', [userId, JSON.stringify(data)]);
  }

  /** Moves a notification in time, as if it had been created then. */
  async setCreatedAt(id: string, createdAt: Date): Promise<void> {
    await this.client.query('UPDATE notifications SET created_at = $1 WHERE id = $2::bigint', [createdAt, id]);
  }

  /** One NOTIFY per payload on `channel`, as any client may send. */
  async notify(channel: string, payloads: readonly string[]): Promise<void> {
    await this.client.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [channel, payloads]);
  }

  /** Kills the sessions with this application_name, as a DBA or a failover would; answers how many. */
  async terminateSessions(applicationName: string): Promise<number> {
    const { rowCount } = await this.client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    return rowCount ?? 0;
  }

  /** The CREATE INDEX statement of an index, as PostgreSQL reports it. */
  async indexDefinition(name: string): Promise<string | undefined> {
    const { rows } = await this.client.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE indexname = $1', [name]);
    return rows[0]?.indexdef;
  }

  /** Every notification row in the database, however it got there. */
  async notificationCount(): Promise<number> {
    const { rows } = await this.client.query<{ count: string }>('SELECT count(*) AS count FROM notifications');
    return Number(rows[0].count);
  }

  end(): Promise<void> {
    return this.client.end();
  }
}
