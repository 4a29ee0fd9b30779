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

  /** A notification written by hand, past pns's services (so nobody announces it). */
  async insertNotification(userId: string, data: unknown): Promise<void> {
    await this.client.query('INSERT INTO notifications (user_id, data) VALUES ($1, $2::jsonb)', [userId, JSON.stringify(data)]);
  }

  /** Moves a notification in time, as if it had been created then. */
  async setCreatedAt(id: string, createdAt: Date): Promise<void> {
    await this.client.query('UPDATE notifications SET created_at = $1 WHERE id = $2::bigint', [createdAt, id]);
  }

  /** As if the retention job had deleted the user's changes up to `version` (the log then answers 410/resync below it). */
  async setPrunedVersion(userId: string, version: number): Promise<void> {
    await this.client.query('DELETE FROM inbox_changes WHERE user_id = $1 AND version <= $2', [userId, version]);
    await this.client.query('UPDATE user_inboxes SET pruned_version = $2 WHERE user_id = $1', [userId, version]);
  }

  /** The user's counts by COUNT(*) over its notifications, not from the counters (docs/protocol.md, Counts). */
  async countedByScan(userId: string): Promise<{ unseen: number; unread: number; total: number; categories: Record<string, { unseen: number; unread: number; total: number }> }> {
    const { rows } = await this.client.query<{ category: string | null; is_total: boolean; unseen: number; unread: number; total: number }>(
      `SELECT category, grouping(category) = 1 AS is_total, count(*) FILTER (WHERE seen_at IS NULL)::int AS unseen,
         count(*) FILTER (WHERE read_at IS NULL)::int AS unread, count(*)::int AS total
       FROM notifications WHERE user_id = $1 AND archived_at IS NULL AND snoozed_until IS NULL GROUP BY ROLLUP (category)`,
      [userId],
    );
    const total = rows.find((row) => row.is_total) ?? { unseen: 0, unread: 0, total: 0 };
    const categories = Object.fromEntries(rows.filter((row) => !row.is_total && row.category !== null).map((row) => [row.category, { unseen: row.unseen, unread: row.unread, total: row.total }]));
    return { unseen: total.unseen, unread: total.unread, total: total.total, categories };
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

  /** A push subscription as stored, secrets included: what the API never shows. */
  async pushSubscription(id: string): Promise<{ userId: string; kind: string; address: string; p256dh: string | null; auth: string | null } | undefined> {
    const { rows } = await this.client.query('SELECT user_id AS "userId", kind, address, p256dh, auth FROM push_subscriptions WHERE id = $1', [id]);
    return rows[0];
  }

  /** Push jobs waiting (due or not, leased or not), of one subscription or of all. */
  async queuedPushJobs(subscriptionId?: string): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>('SELECT count(*)::int AS n FROM push_jobs WHERE $1::uuid IS NULL OR subscription_id = $1::uuid', [subscriptionId ?? null]);
    return rows[0].n;
  }

  /** The pushes of one subscription held for the end of quiet hours, with that end. */
  async heldPushJobs(subscriptionId: string): Promise<Date[]> {
    const { rows } = await this.client.query<{ held_until: Date }>('SELECT held_until FROM push_jobs WHERE subscription_id = $1::uuid AND held_until IS NOT NULL ORDER BY id', [subscriptionId]);
    return rows.map((row) => row.held_until);
  }

  /** Where the user is recorded as connected (instance ids), and when its last device left. */
  async pushPresenceOf(userId: string): Promise<{ instances: string[]; lastDisconnectedAt: Date | null }> {
    const { rows } = await this.client.query<{ instances: string[]; last: Date | null }>(
      `SELECT ARRAY(SELECT instance_id::text FROM push_presence WHERE user_id = $1 ORDER BY 1) AS instances,
              (SELECT disconnected_at FROM push_last_disconnects WHERE user_id = $1) AS last`,
      [userId],
    );
    return { instances: rows[0].instances, lastDisconnectedAt: rows[0].last };
  }

  /** Every notification row in the database, however it got there. */
  async notificationCount(): Promise<number> {
    const { rows } = await this.client.query<{ count: string }>('SELECT count(*) AS count FROM notifications');
    return Number(rows[0].count);
  }

  /** The user's device connections as the instances have recorded them, on every instance. */
  async recordedConnections(userId: string): Promise<number> {
    const { rows } = await this.client.query<{ connections: number }>('SELECT coalesce(sum(connections), 0)::int AS connections FROM device_connection_counts WHERE user_id = $1', [userId]);
    return rows[0].connections;
  }

  end(): Promise<void> {
    return this.client.end();
  }
}
