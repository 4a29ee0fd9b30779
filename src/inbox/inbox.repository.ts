import { Injectable } from '@nestjs/common';
import { Batcher } from '../common/batcher.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { NOT_EXPIRED, STATE_CONDITIONS } from '../notifications/state-filters.js';
import { INBOX_COUNTS } from './counts.sql.js';
import type { ChangeType, Counts, MarkSelector, MarkSet, MarkTarget, StoredChange } from './inbox.js';

/** Per mark: the rows whose mark would change, and how it is set. */
const MARKS: Record<Exclude<MarkSet, 'snoozed'>, { pending: Prisma.Sql; assign: Prisma.Sql }> = {
  seen: { pending: Prisma.raw('seen_at IS NULL'), assign: Prisma.raw('seen_at = now()') },
  // Reading and archiving also mark seen.
  read: { pending: Prisma.raw('read_at IS NULL'), assign: Prisma.raw('read_at = now(), seen_at = coalesce(seen_at, now())') },
  unread: { pending: Prisma.raw('read_at IS NOT NULL'), assign: Prisma.raw('read_at = NULL') },
  archived: { pending: Prisma.raw('archived_at IS NULL'), assign: Prisma.raw('archived_at = now(), seen_at = coalesce(seen_at, now())') },
  unarchived: { pending: Prisma.raw('archived_at IS NOT NULL'), assign: Prisma.raw('archived_at = NULL') },
};

/**
 * Snoozing takes notifications in the inbox or already snoozed (a new `until` moves the wake-up;
 * archived ones are out of the inbox already). The lifecycle job wakes them (src/lifecycle).
 */
function markOf(target: MarkTarget): { pending: Prisma.Sql; assign: Prisma.Sql } {
  if (target.set !== 'snoozed') return MARKS[target.set];
  const until = Prisma.sql`${target.until}::timestamptz`;
  return { pending: Prisma.sql`archived_at IS NULL AND snoozed_until IS DISTINCT FROM ${until}`, assign: Prisma.sql`snoozed_until = ${until}` };
}

interface CountsRow {
  user_id: string;
  version: string;
  unseen: number;
  unread: number;
  total: number;
  categories: Counts['categories'];
}

/** int8 columns come from pg as decimal text. */
interface ChangesRow {
  current: string | null;
  pruned_version: string | null;
  version: string | null;
  type: ChangeType | null;
  at: Date | null;
  ids: string[] | null;
}

/**
 * Reads of what the triggers on "notifications" keep (user_inboxes, user_category_counts,
 * inbox_changes; see the inbox migration) and the marks. Nothing here writes a count or a
 * version: the triggers do, in the same transaction as the change.
 */
@Injectable()
export class InboxRepository {
  /**
   * One user's counts at a time (GET …/counts, a device's countsRequest, a mark's answer), and
   * many of them at once under load: reads asked for together share one statement, since a
   * counts read costs the database per statement far more than per user (a counts read at 64
   * connections took 190 µs of its CPU, one statement each). A read waits at most for the
   * statement in flight, and is served by one started after it was asked, so it sees every
   * change committed before.
   */
  private readonly userCounts = new Batcher<string, Counts>(
    async (userIds) => {
      const counts = await this.counts([...new Set(userIds)]);
      return userIds.map((userId) => counts.get(userId)!);
    },
    { maxInFlight: 2, maxWeight: 1_000, weight: () => 1 },
  );

  constructor(private readonly prisma: PrismaService) {}

  countsOfUser(userId: string): Promise<Counts> {
    return this.userCounts.submit(userId);
  }

  /** Each user's counts (INBOX_COUNTS). Read for every change delivered, so a prepared statement on the pool. */
  async counts(userIds: readonly string[]): Promise<Map<string, Counts>> {
    const { rows } = await this.prisma.pool.query<CountsRow>({
      name: 'pns_inbox_counts',
      text: INBOX_COUNTS,
      values: [userIds],
    });
    return new Map(
      rows.map((row) => [row.user_id, { version: Number(row.version), unseen: row.unseen, unread: row.unread, total: row.total, categories: row.categories }]),
    );
  }

  /**
   * Sets `set` on the selected notifications of the user whose mark it changes, in one
   * statement (so one change per 1000 ids); answers how many changed. The rows are locked
   * first, in id order: two marks over overlapping rows then queue instead of deadlocking,
   * and a row another statement changed meanwhile is re-checked after its lock, so the
   * answer counts exactly the rows this statement changed.
   */
  async mark(userId: string, target: MarkTarget, selector: MarkSelector): Promise<number> {
    const { pending, assign } = markOf(target);
    const { rowCount } = await this.prisma.query(Prisma.sql`
      WITH target AS (
        SELECT id FROM notifications
        WHERE user_id = ${userId} AND ${pending} AND ${selection(selector)}
        ORDER BY id
        FOR UPDATE)
      UPDATE notifications SET ${assign}
      FROM target WHERE notifications.id = target.id`);
    return rowCount ?? 0;
  }

  /**
   * The user's changes after `since`, oldest first, with the user's version and the highest
   * version retention deleted, all in one snapshot: a page is never torn by a concurrent
   * retention pass or write. (0, 0) for a user without a change.
   */
  async changesAfter(userId: string, since: number, limit: number): Promise<{ changes: StoredChange[]; version: number; prunedVersion: number }> {
    const { rows } = await this.prisma.query<ChangesRow>(Prisma.sql`
      SELECT i.version AS current, i.pruned_version, c.version, c.type, c.at, c.ids::text[] AS ids
      FROM (SELECT ${userId}::text AS user_id) AS u
      LEFT JOIN user_inboxes AS i USING (user_id)
      LEFT JOIN LATERAL (
        SELECT version, type, at, ids FROM inbox_changes
        WHERE inbox_changes.user_id = u.user_id AND version > ${since}
        ORDER BY version
        LIMIT ${limit}
      ) AS c ON true
      ORDER BY c.version`);
    const [first] = rows;
    return {
      version: Number(first.current ?? 0),
      prunedVersion: Number(first.pruned_version ?? 0),
      changes: rows
        .filter((row) => row.version !== null)
        .map((row) => ({ version: Number(row.version), type: row.type!, at: row.at!, ids: row.ids ?? [] })),
    };
  }
}

function selection(selector: MarkSelector): Prisma.Sql {
  if ('ids' in selector) return Prisma.sql`id = ANY(${selector.ids}::bigint[])`;
  if ('all' in selector) return Prisma.raw('true');
  const { categories, createdBefore, state } = selector.filter;
  const conditions = [
    categories ? Prisma.sql`category = ANY(${categories}::text[])` : undefined,
    createdBefore ? Prisma.sql`created_at < ${createdBefore}::timestamptz` : undefined,
    state ? Prisma.sql`${STATE_CONDITIONS[state]} AND ${NOT_EXPIRED}` : undefined,
  ].filter((condition) => condition !== undefined);
  return conditions.length === 0 ? Prisma.raw('true') : Prisma.join(conditions, ' AND ');
}
