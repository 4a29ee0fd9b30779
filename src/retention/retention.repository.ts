import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

/**
 * The advisory-lock key of a retention pass ("pnsr" in ASCII). A single bigint key lives in
 * another key space than the two-int form, and differs from the migrations' key (migrator.ts).
 */
export const RETENTION_LOCK_KEY = 0x706e7372;

export interface RetentionPolicy {
  readonly seenRetentionMs: number;
  /** Undefined: unseen notifications are never deleted. */
  readonly unseenRetentionMs: number | undefined;
  /** The most rows of each kind (seen, unseen, tickets) one batch deletes. */
  readonly batchSize: number;
}

export interface DeletedBatch {
  readonly seen: number;
  readonly unseen: number;
  readonly tickets: number;
  /** The users whose unseen counts this batch lowered. */
  readonly usersWithFewerUnseen: string[];
}

@Injectable()
export class RetentionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Deletes one bounded batch of what the retention policy expires, in one statement, so one
   * short transaction holds the row locks and the count triggers run once for the batch.
   */
  async deleteExpiredBatch(policy: RetentionPolicy): Promise<DeletedBatch> {
    const seenSeconds = policy.seenRetentionMs / 1000;
    // NULL makes the unseen clause false: with UNSEEN_RETENTION unset nothing unseen is chosen.
    const unseenSeconds = policy.unseenRetentionMs === undefined ? null : policy.unseenRetentionMs / 1000;
    const { rows: [deleted] } = await this.prisma.query<DeletedBatch>(Prisma.sql`
      WITH unflushed_commit AS (
        -- This batch's commit does not wait for its WAL to reach the disk. A batch lost in a
        -- crash loses its rows' deletion and their count change together, and the next pass
        -- deletes them again; meanwhile ingest's commits stop queueing behind these flushes.
        -- (Referenced below: an unreferenced SELECT in WITH is never run.)
        SELECT set_config('synchronous_commit', 'off', true)
      ), expired_seen AS (
        SELECT id FROM notifications
        -- Seen more than SEEN_RETENTION ago. "seen_at < x" implies "seen_at IS NOT NULL", so the
        -- partial index notifications_seen_at serves this, oldest first, stopping at the limit.
        WHERE seen_at < now() - make_interval(secs => ${seenSeconds}::float8)
        ORDER BY seen_at
        LIMIT ${policy.batchSize}
        -- Rows another transaction holds (being marked seen, deleted) are left for the next
        -- pass instead of waited for: retention never queues behind the API.
        FOR UPDATE SKIP LOCKED
      ), expired_unseen AS (
        SELECT id FROM notifications
        -- Still unseen and created more than UNSEEN_RETENTION ago; the BRIN index
        -- notifications_created_at_brin limits the scan to the table's oldest block ranges.
        WHERE seen_at IS NULL
          AND created_at < now() - make_interval(secs => ${unseenSeconds}::float8)
        LIMIT ${policy.batchSize}
        FOR UPDATE SKIP LOCKED
      ), deleted_notifications AS (
        -- Deleting unseen rows fires the statement trigger that lowers user_inboxes.unseen; the
        -- users it returns are announced to running servers after commit (RetentionService).
        DELETE FROM notifications
        WHERE id IN (SELECT id FROM expired_seen UNION ALL SELECT id FROM expired_unseen)
        RETURNING user_id, seen_at IS NULL AS was_unseen
      ), deleted_tickets AS (
        -- Connection tickets past their expiry (index connection_tickets_expiry); an expired
        -- ticket already opens nothing, this only reclaims the space.
        DELETE FROM connection_tickets
        WHERE id_hash IN (
          SELECT id_hash FROM connection_tickets WHERE expires_at < now()
          LIMIT ${policy.batchSize}
          FOR UPDATE SKIP LOCKED
        )
        RETURNING 1
      )
      SELECT
        (SELECT count(*) FROM deleted_notifications WHERE NOT was_unseen)::int AS seen,
        (SELECT count(*) FROM deleted_notifications WHERE was_unseen)::int AS unseen,
        (SELECT count(*) FROM deleted_tickets)::int AS tickets,
        (SELECT coalesce(array_agg(DISTINCT user_id), '{}') FROM deleted_notifications WHERE was_unseen) AS "usersWithFewerUnseen"
      FROM unflushed_commit`);
    return deleted;
  }

  /**
   * Runs `pass` holding the retention lock of the whole database; resolves undefined, without
   * running it, when another process holds the lock.
   *
   * A session-level advisory lock belongs to one connection, and the pool hands each query
   * whichever connection is free, so the lock holds a pooled connection of its own for the
   * pass (PrismaService.session). The batches still run on the pool, each committing on its
   * own: holding the lock in one transaction around the pass would instead hold every deleted
   * row's lock until the end. Closing that connection afterwards releases the lock, as does
   * this process dying mid-pass. Losing it mid-pass is harmless: a concurrent pass only skips
   * the rows this one holds.
   */
  withPassLock<T>(pass: () => Promise<T>): Promise<T | undefined> {
    return this.prisma.session(async (client) => {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RETENTION_LOCK_KEY]);
      return rows[0].locked ? await pass() : undefined;
    });
  }
}
