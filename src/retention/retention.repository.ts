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
  readonly changeRetentionMs: number;
  /** The most rows of each kind (seen, unseen, tickets) one batch deletes. */
  readonly batchSize: number;
}

export interface DeletedBatch {
  readonly seen: number;
  readonly unseen: number;
  readonly tickets: number;
  /** The users whose notifications this batch deleted: each one's inbox has a new version. */
  readonly usersChanged: string[];
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
        (SELECT coalesce(array_agg(DISTINCT user_id), '{}') FROM deleted_notifications) AS "usersChanged"
      FROM unflushed_commit`);
    return deleted;
  }

  /**
   * Deletes one bounded batch of changes older than CHANGE_RETENTION and raises their users'
   * pruned_version, in one statement: a reader of the log sees both or neither. Answers how
   * many changes it deleted.
   */
  async deleteOldChangesBatch(policy: RetentionPolicy): Promise<number> {
    const {
      rows: [{ deleted }],
    } = await this.prisma.query<{ deleted: number }>(Prisma.sql`
      WITH unflushed_commit AS (
        -- As for notifications: a batch lost in a crash is deleted again by the next pass.
        SELECT set_config('synchronous_commit', 'off', true)
      ), old_changes AS (
        SELECT user_id, version FROM inbox_changes
        -- Written more than CHANGE_RETENTION ago. The log is append-only, so the BRIN index
        -- inbox_changes_at_brin limits the scan to its oldest block ranges.
        WHERE at < now() - make_interval(secs => ${policy.changeRetentionMs / 1000}::float8)
        LIMIT ${policy.batchSize}
      ), deleted_changes AS (
        DELETE FROM inbox_changes USING old_changes
        WHERE inbox_changes.user_id = old_changes.user_id AND inbox_changes.version = old_changes.version
        RETURNING inbox_changes.user_id, inbox_changes.version
      ), locked_inboxes AS (
        -- The users' inbox rows, locked in user order as every writer of them locks them (the
        -- triggers), so this never deadlocks with ingest. Changes are deleted by age, which
        -- follows version order only roughly: pruned_version keeps the highest deleted, and
        -- GET …/changes answers 410 to a since below it, whatever older changes are still left.
        SELECT user_inboxes.user_id, pruned.version
        FROM user_inboxes
        JOIN (SELECT user_id, max(version) AS version FROM deleted_changes GROUP BY user_id) AS pruned USING (user_id)
        ORDER BY user_inboxes.user_id
        FOR UPDATE OF user_inboxes
      ), raised AS (
        UPDATE user_inboxes SET pruned_version = greatest(user_inboxes.pruned_version, locked_inboxes.version)
        FROM locked_inboxes WHERE user_inboxes.user_id = locked_inboxes.user_id
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM deleted_changes)::int AS deleted, (SELECT count(*) FROM raised) AS raised
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
