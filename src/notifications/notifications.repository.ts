import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { Batcher } from '../common/batcher.js';
import { isDatabaseDataError } from '../database/database-errors.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import type { PushPolicy } from '../push/push-display.js';
import { INSERT_NOTIFICATIONS, INSERT_OR_REPLACE_NOTIFICATIONS } from './insert-notifications.sql.js';
import type { CreatedNotification, NotificationRecord, NotificationState, PagePosition } from './notification.js';
import { NOT_EXPIRED, STATE_CONDITIONS } from './state-filters.js';

export interface CreatedRow {
  /** Read as text (`id::text`): JavaScript numbers lose precision past 2^53. */
  id: string;
  user_id: string;
  created_at: Date;
}

interface NotificationRow extends CreatedRow {
  data: unknown;
  category: string | null;
  seen_at: Date | null;
  read_at: Date | null;
  archived_at: Date | null;
  updated_at: Date | null;
  expires_at: Date | null;
  key: string | null;
}

export interface ListFilter {
  state: NotificationState;
  categories?: readonly string[];
}

export interface SettledHorizon {
  settledBefore: Date;
  now: Date;
}

export interface NotificationRows {
  userIds: readonly string[];
  /** `data` already serialized: JSON `null` is then the jsonb value null, not SQL NULL. */
  dataJson: string;
  category: string | null;
  idempotencyKey: string | null;
  /** Read by the push triggers (docs/push.md). */
  pushPolicy: PushPolicy;
  pushDisplayJson: string | null;
  /** Replace by key: the user's notification with this key is replaced (docs/lifecycle.md#replace-by-key). */
  key: string | null;
  expiresAt: Date | null;
  /** A replacement becomes unseen and unread again (and back in the inbox). */
  renotify: boolean;
  /** Users whose preferences keep the category out of their inbox get nothing stored (POST /api/notifications). */
  honoursInboxPreferences?: boolean;
}

/** What one request stored: its notifications, and the users its preferences check turned away. */
export interface StoredRequest {
  created: CreatedNotification[];
  suppressed: string[];
}

interface UnseenCount {
  count: number;
  version: number;
}

// The id as text: an ORDER BY below names `notifications.id`, since a bare `id` would sort this text column.
const COLUMNS = Prisma.sql`notifications.id::text AS id, user_id, data, category, created_at, seen_at, read_at, archived_at, updated_at, expires_at, key`;

/**
 * All SQL on "notifications". The counts and versions are written by the table's triggers (see
 * the inbox migration), never here: every statement below keeps them right by construction.
 * Everything runs on the pool (PrismaService.query) but plain typed reads; the insert and the
 * many-user count read run for every notification, so they are named prepared statements.
 */
@Injectable()
export class NotificationsRepository {
  /** Each item is a unit of requests that must be stored together; a batch is one statement. */
  private readonly inserts = new Batcher<readonly NotificationRows[], StoredRequest[]>((units) => this.insertUnits(units), {
    // Two statements at a time: while one waits for its commit's WAL flush the next is already
    // running, where one at a time left 8 posting connections waiting behind every flush (ingest
    // 0.72–0.77 of the earlier build at c=8, 0.92–1.02 with two). More only split the database's
    // CPU between smaller batches (docs/performance.md, sections 8 and 9).
    maxInFlight: 2,
    maxWeight: 5_000,
    weight: (unit) => unit.reduce((rows, request) => rows + request.userIds.length, 0),
    // Each request is checked before it is batched (new-notifications.ts); should a value still
    // fail the shared INSERT, the others must not fail with it.
    retryAloneOn: isDatabaseDataError,
  });

  /**
   * A sweep starts every compat stream's pass at once, and each pass begins with the horizon:
   * reads asked for together share one query. One asked for while a read runs waits for the
   * next, which starts after it was asked, as the horizon's guarantee needs.
   */
  private readonly horizons = new Batcher<void, SettledHorizon>(
    async (readers) => {
      const horizon = await this.readSettledHorizon();
      return readers.map(() => horizon);
    },
    { maxInFlight: 1, maxWeight: Number.POSITIVE_INFINITY, weight: () => 1 },
  );

  /**
   * The unseen-count reads asked for together share one statement, as the counts reads do
   * (InboxRepository.countsOfUser): per statement, not per user, is what such a read costs.
   */
  private readonly unseenCounts = new Batcher<string, UnseenCount>((userIds) => this.readUnseenCounts(userIds), {
    maxInFlight: 2,
    maxWeight: 1_000,
    weight: () => 1,
  });

  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores the requests' notifications, all or none (one per user of each request; a user who
   * already has a notification with the request's idempotency key gets none and is absent from
   * that request's result; one its inbox preferences turn away, when the request honours them,
   * gets none and is named `suppressed`). Concurrent calls share one INSERT and so one commit (see
   * insertAll): a commit's disk flush, not the rows, is what one insert per call pays for.
   * Each caller is answered after that commit.
   */
  insert(requests: readonly NotificationRows[]): Promise<StoredRequest[]> {
    return this.inserts.submit(requests);
  }

  private async insertUnits(units: (readonly NotificationRows[])[]): Promise<StoredRequest[][]> {
    const created = await this.insertAll(units.flat());
    let next = 0;
    return units.map((unit) => created.slice(next, (next += unit.length)));
  }

  /**
   * The rows of several requests in one statement, answered per request: all are stored or
   * none is. Ids are drawn from the sequence first, in the requests' order (so that is their
   * creation order), and tell apart what was inserted per request (RETURNING follows no
   * order). Rows go in user order, so that two statements naming the same users in different
   * orders wait on each other in one order instead of deadlocking. ON CONFLICT waits
   * for a racing insert of the same idempotency key to commit, so retries can't both insert;
   * its WHERE names the predicate of the (partial) unique index it arbitrates on.
   *
   * Requests that replace the same user's key again (rare: two posts of one key in one batch)
   * go into later statements of one transaction, in order: ON CONFLICT DO UPDATE cannot
   * change one row twice in a statement, and the later post must win.
   */
  private async insertAll(requests: readonly NotificationRows[]): Promise<StoredRequest[]> {
    const rounds = replacementRounds(requests);
    if (rounds.length === 1) return this.insertStatement(this.prisma.pool, requests);
    const byRequest = requests.map((): StoredRequest => ({ created: [], suppressed: [] }));
    await this.prisma.transaction(async (client) => {
      for (const round of rounds) {
        const stored = await this.insertStatement(client, round.map((index) => requests[index]));
        round.forEach((index, position) => {
          byRequest[index].created.push(...stored[position].created);
          byRequest[index].suppressed.push(...stored[position].suppressed);
        });
      }
    });
    return byRequest;
  }

  private async insertStatement(queryable: Pick<pg.Pool, 'query'>, requests: readonly NotificationRows[]): Promise<StoredRequest[]> {
    const { rows } = await queryable.query<InsertedRow>(insertNotificationsStatement(requests));
    const byRequest = requests.map((): StoredRequest => ({ created: [], suppressed: [] }));
    for (const row of rows) {
      const stored = byRequest[Number(row.request) - 1];
      if (row.suppressed) stored.suppressed.push(row.user_id);
      else stored.created.push(row.replaced ? { ...toCreated(row), replaced: true } : toCreated(row));
    }
    return byRequest;
  }

  async findByIdempotencyKey(userIds: readonly string[], idempotencyKey: string): Promise<CreatedNotification[]> {
    const { rows: found } = await this.prisma.query<CreatedRow>(Prisma.sql`
      SELECT id::text AS id, user_id, created_at FROM notifications
      WHERE user_id = ANY(${userIds}::text[]) AND idempotency_key = ${idempotencyKey}`);
    return found.map(toCreated);
  }

  /**
   * Newest first, strictly after `after`; the row comparison is an index condition, so deep
   * pages cost no more than the first. `categories`: only these (undefined: any).
   */
  async page(userId: string, filter: ListFilter, limit: number, after: PagePosition | undefined): Promise<NotificationRecord[]> {
    const start = after ? Prisma.sql`AND (created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::bigint)` : Prisma.empty;
    const categories = filter.categories ? Prisma.sql`AND category = ANY(${filter.categories}::text[])` : Prisma.empty;
    const { rows } = await this.prisma.query<NotificationRow>(Prisma.sql`
      SELECT ${COLUMNS} FROM notifications
      WHERE user_id = ${userId} AND ${STATE_CONDITIONS[filter.state]} AND ${NOT_EXPIRED} ${categories} ${start}
      ORDER BY created_at DESC, notifications.id DESC
      LIMIT ${limit}`);
    return rows.map(toRecord);
  }

  /** Those of `ids` that are this user's, in no particular order. */
  async findByIds(userId: string, ids: readonly string[]): Promise<NotificationRecord[]> {
    const { rows } = await this.prisma.query<NotificationRow>(
      Prisma.sql`SELECT ${COLUMNS} FROM notifications WHERE user_id = ${userId} AND notifications.id = ANY(${ids}::bigint[])`,
    );
    return rows.map(toRecord);
  }

  /** The unseen count and the version it is as of (0 and 0 for a user without a change yet). */
  unseenCount(userId: string): Promise<UnseenCount> {
    return this.unseenCounts.submit(userId);
  }

  private async readUnseenCounts(userIds: string[]): Promise<UnseenCount[]> {
    const { rows } = await this.prisma.pool.query<{ unseen: number | null; version: string | null }>({
      name: 'pns_unseen_counts',
      text: `SELECT i.unseen, i.version::text AS version FROM unnest($1::text[]) WITH ORDINALITY AS u(user_id, position)
        LEFT JOIN user_inboxes AS i USING (user_id) ORDER BY u.position`,
      values: [userIds],
    });
    return rows.map((row) => ({ count: row.unseen ?? 0, version: Number(row.version ?? 0) }));
  }

  /** Marks those of `ids` that are this user's and unseen; returns how many changed. */
  markSeen(userId: string, ids: readonly string[]): Promise<number> {
    return this.markUnseenSeen(userId, Prisma.sql`id = ANY(${ids}::bigint[])`);
  }

  markAllSeen(userId: string): Promise<number> {
    return this.markUnseenSeen(userId, Prisma.raw('true'));
  }

  /**
   * Locks the rows in id order first, as the inbox marks do (InboxRepository.mark): two marks
   * over overlapping rows that locked them in different orders would deadlock.
   */
  private async markUnseenSeen(userId: string, selected: Prisma.Sql): Promise<number> {
    const { rowCount } = await this.prisma.query(Prisma.sql`
      WITH target AS (
        SELECT id FROM notifications
        WHERE user_id = ${userId} AND seen_at IS NULL AND ${selected}
        ORDER BY id
        FOR UPDATE)
      UPDATE notifications SET seen_at = now()
      FROM target WHERE notifications.id = target.id`);
    return rowCount ?? 0;
  }

  /** The deleted notification's user. */
  async delete(id: string): Promise<{ userId: string } | undefined> {
    const { rows: [deleted] } = await this.prisma.query<{ user_id: string }>(Prisma.sql`
      DELETE FROM notifications WHERE id = ${id}::bigint RETURNING user_id`);
    return deleted && { userId: deleted.user_id };
  }

  /**
   * Marks the newest `limit` unseen notifications seen and returns them, in one statement.
   * SKIP LOCKED makes concurrent takers of one user split the rows instead of queueing on
   * them, and a row another taker committed meanwhile fails the lock's re-check of
   * `seen_at IS NULL`: no notification is ever handed to two callers. MATERIALIZED runs the
   * locking query once: as an `IN (subquery)` the planner may rescan it per row, and a rescan
   * skips the rows this statement already updated and locks the next ones, past `limit`.
   */
  async takeUnseen(userId: string, limit: number): Promise<NotificationRecord[]> {
    const { rows } = await this.prisma.query<NotificationRow>(Prisma.sql`
      WITH taken AS MATERIALIZED (
        SELECT id FROM notifications
        WHERE user_id = ${userId} AND seen_at IS NULL
        ORDER BY created_at DESC, id DESC
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      UPDATE notifications SET seen_at = now()
      FROM taken WHERE notifications.id = taken.id
      RETURNING ${COLUMNS}`);
    // RETURNING follows no ORDER BY.
    return rows.map(toRecord).sort(newestFirst);
  }

  async seenCreatedAfter(userId: string, after: Date, limit: number): Promise<NotificationRecord[]> {
    const { rows } = await this.prisma.query<NotificationRow>(Prisma.sql`
      SELECT ${COLUMNS} FROM notifications
      WHERE user_id = ${userId} AND seen_at IS NOT NULL AND created_at > ${after}::timestamptz
      ORDER BY created_at DESC, notifications.id DESC
      LIMIT ${limit}`);
    return rows.map(toRecord);
  }

  /**
   * The newest `limit` notifications created after `after`, seen or not, newest first; those
   * that were unseen are now seen (`taken` says how many). The page is fixed first, so only
   * rows that are answered get marked. A row another caller marks seen meanwhile fails the
   * UPDATE's re-check and is left out (the statement's snapshot still shows it unseen): as
   * with takeUnseen, no notification is handed out as unseen twice.
   */
  async takeCreatedAfter(userId: string, after: Date, limit: number): Promise<{ records: NotificationRecord[]; taken: number }> {
    const { rows } = await this.prisma.query<NotificationRow & { taken: boolean }>(Prisma.sql`
      WITH page AS MATERIALIZED (
        SELECT id FROM notifications
        WHERE user_id = ${userId} AND created_at > ${after}::timestamptz
        ORDER BY created_at DESC, id DESC
        LIMIT ${limit}),
      -- Locked in id order, as every multi-row mark locks (InboxRepository.mark): in page order
      -- this would deadlock with a mark holding some of the same rows.
      locked AS (
        SELECT notifications.id FROM notifications JOIN page ON notifications.id = page.id
        WHERE notifications.seen_at IS NULL
        ORDER BY notifications.id
        FOR UPDATE OF notifications),
      taken AS (
        UPDATE notifications SET seen_at = now()
        FROM locked WHERE notifications.id = locked.id
        RETURNING ${COLUMNS})
      SELECT taken.*, true AS taken FROM taken
      UNION ALL
      SELECT ${COLUMNS}, false AS taken FROM notifications JOIN page ON notifications.id = page.id
      WHERE notifications.seen_at IS NOT NULL`);
    return { records: rows.map(toRecord).sort(newestFirst), taken: rows.filter((row) => row.taken).length };
  }

  /**
   * The instant before which no notification can still become visible, for readers that stream
   * notifications in creation order. `created_at` is its transaction's start time (rounded to
   * the millisecond), but rows commit in any order: a row may become visible after rows created
   * later. A row not yet visible belongs to a transaction that is open now or starts later, so
   * its created_at is at least the oldest open transaction's start. Hence: every row created
   * before `settledBefore` is visible to any query whose snapshot is taken after this statement.
   * - only this database's client backends: autovacuum and other databases never insert here;
   * - `xact_start` is NULL for idle backends (and for other roles' backends without
   *   pg_read_all_stats: rows inserted by hand under another role are outside this guarantee);
   * - this statement's own backend is included, so with nothing else open it is "now";
   * - minus 20 ms: a transaction's start time is taken when its first statement arrives, a
   *   moment before the backend reports it here, so one just starting may not be listed yet;
   * - truncated to the millisecond: a later transaction's created_at rounds to at least that.
   */
  settledHorizon(): Promise<SettledHorizon> {
    return this.horizons.submit();
  }

  private async readSettledHorizon(): Promise<SettledHorizon> {
    const { rows: [row] } = await this.prisma.query<{ settled_before: Date; now: Date }>(Prisma.sql`
      SELECT date_trunc('milliseconds', min(xact_start) - interval '20 milliseconds') AS settled_before, statement_timestamp() AS now
      FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend' AND xact_start IS NOT NULL`);
    return { settledBefore: row.settled_before, now: row.now };
  }

  /** Oldest first, strictly after `after` in (created_at, id) order: the index read backwards. */
  async createdAfterInOrder(userId: string, after: PagePosition, limit: number): Promise<NotificationRecord[]> {
    const { rows } = await this.prisma.query<NotificationRow>(Prisma.sql`
      SELECT ${COLUMNS} FROM notifications
      WHERE user_id = ${userId} AND (created_at, id) > (${after.createdAt}::timestamptz, ${after.id}::bigint)
      ORDER BY created_at, notifications.id
      LIMIT ${limit}`);
    return rows.map(toRecord);
  }
}

/**
 * The requests' indexes split into statements: each (user, key) at most once per statement, a
 * later post of it in a later statement. Almost always one statement with every request.
 */
function replacementRounds(requests: readonly NotificationRows[]): number[][] {
  const roundOfLast = new Map<string, number>();
  const rounds: number[][] = [];
  requests.forEach((request, index) => {
    let round = 0;
    if (request.key !== null) {
      for (const userId of request.userIds) round = Math.max(round, (roundOfLast.get(JSON.stringify([userId, request.key])) ?? -1) + 1);
      for (const userId of request.userIds) roundOfLast.set(JSON.stringify([userId, request.key]), round);
    }
    (rounds[round] ??= []).push(index);
  });
  return rounds;
}

/**
 * One row the insert statement answers: a stored notification, or a recipient suppressed by
 * their preferences (no id, no created_at), and the (1-based) request it is for.
 */
export interface InsertedRow extends CreatedRow {
  request: string;
  replaced: boolean;
  suppressed: boolean;
}

/**
 * The insert of every ingest path, for `requests` stored together: the plain statement, or the
 * one that replaces by key when any request has a key. Named, so the pool prepares it once.
 */
export function insertNotificationsStatement(requests: readonly NotificationRows[]): { name: string; text: string; values: unknown[] } {
  const recipients = requests.flatMap((request, index) => request.userIds.map((userId) => ({ userId, request: index + 1 })));
  const values = [
    requests.map((request) => request.dataJson),
    requests.map((request) => request.category),
    requests.map((request) => request.idempotencyKey),
    recipients.map((recipient) => recipient.userId),
    recipients.map((recipient) => recipient.request),
    requests.map((request) => request.pushPolicy),
    requests.map((request) => request.pushDisplayJson),
    requests.map((request) => request.expiresAt),
    requests.map((request) => request.honoursInboxPreferences === true),
  ];
  if (!requests.some((request) => request.key !== null)) return { name: 'pns_insert_notifications', text: INSERT_NOTIFICATIONS, values };
  return {
    name: 'pns_insert_or_replace_notifications',
    text: INSERT_OR_REPLACE_NOTIFICATIONS,
    values: [...values, requests.map((request) => request.key), requests.map((request) => request.renotify)],
  };
}

export function toCreated(row: CreatedRow): CreatedNotification {
  return { id: row.id, userId: row.user_id, createdAt: row.created_at };
}

function toRecord(row: NotificationRow): NotificationRecord {
  return {
    id: row.id,
    userId: row.user_id,
    data: row.data,
    category: row.category,
    createdAt: row.created_at,
    seenAt: row.seen_at,
    readAt: row.read_at,
    archivedAt: row.archived_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    key: row.key,
  };
}

function newestFirst(a: NotificationRecord, b: NotificationRecord): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || compareIds(b.id, a.id);
}

function compareIds(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference > 0n ? 1 : -1;
}
