import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** PostgreSQL interval text, e.g. '31 days', '29 days 23 hours'. */
export type Ago = string;

/**
 * Writes rows the API cannot: notifications created and seen in the past, expired tickets.
 * Straight SQL through a connection of its own, so the count triggers run as for any writer.
 */
export class AgedRows {
  private constructor(private readonly client: pg.Client) {}

  static async connect(databaseUrl: string): Promise<AgedRows> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new AgedRows(client);
  }

  /**
   * `count` notifications for each of `userIds`, created `createdAgo` and, unless
   * `seenAgo` is undefined, seen `seenAgo`. One statement however many rows (generate_series).
   * Returns their ids.
   */
  async notifications(userIds: string | string[], count: number, createdAgo: Ago, seenAgo?: Ago): Promise<string[]> {
    const { rows } = await this.client.query<{ id: string }>(
      `INSERT INTO notifications (user_id, data, created_at, seen_at)
       SELECT u.user_id, jsonb_build_object('n', n), now() - $3::interval, now() - $4::interval
       FROM unnest($1::text[]) AS u(user_id), generate_series(1, $2) AS n
       RETURNING id::text`,
      [[userIds].flat(), count, createdAgo, seenAgo ?? null],
    );
    return rows.map((row) => row.id);
  }

  /** A connection ticket whose expiry is `expiresIn` from now (negative: already expired); returns its id hash. */
  async ticket(userId: string, expiresIn: string): Promise<string> {
    const idHash = randomBytes(32).toString('hex');
    await this.client.query('INSERT INTO connection_tickets (id_hash, user_id, expires_at) VALUES ($1, $2, now() + $3::interval)', [idHash, userId, expiresIn]);
    return idHash;
  }

  async notificationIdsOf(userId: string): Promise<string[]> {
    const { rows } = await this.client.query<{ id: string }>('SELECT id::text FROM notifications WHERE user_id = $1 ORDER BY notifications.id', [userId]);
    return rows.map((row) => row.id);
  }

  async ticketExists(idHash: string): Promise<boolean> {
    const { rowCount } = await this.client.query('SELECT 1 FROM connection_tickets WHERE id_hash = $1', [idHash]);
    return rowCount === 1;
  }

  query<R extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.client.query<R>(sql, values);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
