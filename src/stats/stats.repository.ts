import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PrismaService } from '../database/prisma.service.js';
import type { GlobalStats, PushOutcome, StatsWindow, UserStats } from './stats.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * The totals of a window, from the hourly rollups alone (never from notifications): a month
 * is 720 hours × categories × 8 shards of stats_hourly, found by its primary key (by hour) or
 * by stats_hourly_category (by category, then hour). Exported for the EXPLAIN spec.
 */
export const GLOBAL_STATS_SQL = `
  WITH totals AS (
    SELECT coalesce(sum(created), 0)::bigint AS created,
           coalesce(sum(seen), 0)::bigint AS seen,
           coalesce(sum(read), 0)::bigint AS read,
           coalesce(sum(push_sent), 0)::bigint AS push_sent,
           coalesce(sum(push_failed), 0)::bigint AS push_failed
    FROM stats_hourly
    -- Every UTC hour that overlaps [from, to).
    WHERE hour >= date_trunc('hour', $1::timestamptz, 'UTC') AND hour < $2::timestamptz
      AND ($3::varchar IS NULL OR category = $3::varchar)
  ), delays AS (
    SELECT seconds, sum(count) AS n
    FROM stats_seen_delays
    WHERE hour >= date_trunc('hour', $1::timestamptz, 'UTC') AND hour < $2::timestamptz
      AND ($3::varchar IS NULL OR category = $3::varchar)
    GROUP BY seconds
  ), running AS (
    SELECT seconds, sum(n) OVER (ORDER BY seconds) AS up_to, sum(n) OVER () AS total FROM delays
  )
  -- The lower median: the first bucket by which half of the seen notifications were seen.
  SELECT totals.*, (SELECT min(seconds) FROM running WHERE up_to * 2 >= total) AS median
  FROM totals`;

/**
 * One user's numbers: three primary-key probes (user_inboxes, user_last_seen, and the user's
 * rows of user_category_counts), whatever the length of the user's history. Exported for the
 * EXPLAIN spec.
 */
export const USER_STATS_SQL = `
  SELECT coalesce(i.total, 0) AS total, coalesce(i.unseen, 0) AS unseen, coalesce(i.unread, 0) AS unread,
         (SELECT coalesce(jsonb_object_agg(c.category, jsonb_build_object('total', c.total, 'unseen', c.unseen, 'unread', c.unread)), '{}')
          FROM user_category_counts c WHERE c.user_id = u.user_id AND c.total > 0) AS by_category,
         (SELECT s.last_seen_at FROM user_last_seen s WHERE s.user_id = u.user_id) AS last_seen_at
  FROM (SELECT $1::varchar AS user_id) AS u
  LEFT JOIN user_inboxes i ON i.user_id = u.user_id`;

@Injectable()
export class StatsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async global({ from, to, category }: StatsWindow): Promise<GlobalStats> {
    const { rows } = await this.prisma.pool.query<{ created: string; seen: string; read: string; push_sent: string; push_failed: string; median: number | null }>(GLOBAL_STATS_SQL, [
      from,
      to,
      category ?? null,
    ]);
    const [row] = rows;
    return {
      created: Number(row.created),
      seen: Number(row.seen),
      read: Number(row.read),
      medianSecondsToSeen: row.median,
      pushSent: Number(row.push_sent),
      pushFailed: Number(row.push_failed),
    };
  }

  async ofUser(userId: string): Promise<Omit<UserStats, 'liveDevices'>> {
    const { rows } = await this.prisma.pool.query<{ total: number; unseen: number; unread: number; by_category: UserStats['byCategory']; last_seen_at: Date | null }>(
      USER_STATS_SQL,
      [userId],
    );
    const [row] = rows;
    return { total: row.total, unseen: row.unseen, unread: row.unread, byCategory: row.by_category, lastSeenAt: row.last_seen_at };
  }

  /** Adds push outcomes to their hours' rollups; in the caller's transaction when given `db`. */
  async recordPushOutcomes(outcomes: readonly PushOutcome[], db: Queryable = this.prisma.pool): Promise<void> {
    if (outcomes.length === 0) return;
    await db.query(
      `INSERT INTO stats_hourly AS s (hour, category, shard, push_sent, push_failed)
       SELECT date_trunc('hour', o.at, 'UTC'), o.category, pg_backend_pid() % 8, count(*) FILTER (WHERE o.sent), count(*) FILTER (WHERE NOT o.sent)
       FROM unnest($1::timestamptz[], $2::varchar[], $3::boolean[]) AS o(at, category, sent)
       GROUP BY 1, 2
       ORDER BY 1, 2
       ON CONFLICT (hour, category, shard) DO UPDATE
       SET push_sent = s.push_sent + EXCLUDED.push_sent, push_failed = s.push_failed + EXCLUDED.push_failed`,
      [outcomes.map((outcome) => outcome.at), outcomes.map((outcome) => outcome.category ?? ''), outcomes.map((outcome) => outcome.sent)],
    );
  }
}
