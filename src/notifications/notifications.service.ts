import { Injectable, Optional } from '@nestjs/common';
import { UnseenChangesPublisher } from '../bus/unseen-changes.publisher.js';
import { ConflictError, InvalidInputError, NotFoundError, PayloadTooLargeError } from '../common/errors.js';
import { isUserId, USER_ID_RULE } from '../common/user-id.js';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { isNotificationId, type CreatedNotification, type NewNotifications, type NotificationRecord, type NotificationState, type PagePosition } from './notification.js';
import { NotificationsRepository } from './notifications.repository.js';

export type { CreatedNotification, NewNotifications, NotificationRecord, NotificationState } from './notification.js';

export interface ListQuery {
  state: NotificationState;
  limit: number;
  cursor?: string;
}

export type SeenTarget = { ids: string[] } | { all: true };

const MAX_TEXT_LENGTH = 255;

// A JSON `\u0000` escape (an odd run of backslashes before it is an escape, an even one is
// escaped backslashes): jsonb cannot store the NUL character and would fail the insert.
const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;

@Injectable()
export class NotificationsService {
  /**
   * Every method that changes unseen counts announces the users to all instances after its
   * statement committed (each is one autocommit statement): persist first, then publish.
   */
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly config: AppConfig,
    private readonly changes: UnseenChangesPublisher,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /**
   * The one ingest path of every transport. Checks its input itself, since not every caller
   * goes through a validated DTO. Answers in the order of `userIds`, one per distinct user.
   */
  async create(input: NewNotifications): Promise<CreatedNotification[]> {
    const userIds = [...new Set(input.userIds)];
    if (userIds.length === 0) throw new InvalidInputError('at least one user id is required');
    const badUserId = userIds.find((userId) => !isUserId(userId));
    if (badUserId !== undefined) throw new InvalidInputError(`userIds: ${USER_ID_RULE} (got ${JSON.stringify(badUserId)})`);
    const rows = {
      userIds,
      dataJson: this.serializeData(input.data),
      category: checkedText('category', input.category),
      idempotencyKey: checkedText('idempotencyKey', input.idempotencyKey),
    };

    const inserted = await this.repository.insert(rows);
    this.announceStored(inserted);
    const byUser = new Map(inserted.map((created) => [created.userId, created]));
    if (byUser.size < userIds.length && rows.idempotencyKey !== null) {
      // Retries of an earlier request: its rows were committed before our insert skipped them.
      const retried = userIds.filter((userId) => !byUser.has(userId));
      for (const existing of await this.repository.findByIdempotencyKey(retried, rows.idempotencyKey)) byUser.set(existing.userId, existing);
    }
    return userIds.map((userId) => {
      const created = byUser.get(userId);
      // Only when the original was deleted between our insert and our read: a retry then creates it anew.
      if (!created) throw new ConflictError(`the notification for ${JSON.stringify(userId)} with this idempotency key was just deleted; retry`);
      return created;
    });
  }

  /** Newest first; `nextCursor` is null on the last page (one extra row is read to know). */
  async list(userId: string, query: ListQuery): Promise<{ items: NotificationRecord[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && after === undefined) throw new InvalidInputError('cursor: not a cursor returned by this service');
    const rows = await this.repository.page(userId, query.state, query.limit + 1, after);
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]) : null };
  }

  async unseenCount(userId: string): Promise<number> {
    return (await this.repository.unseenCount(userId)).count;
  }

  /** The unseen count with the inbox version it is as of. */
  unseenCountAndVersion(userId: string): Promise<{ count: number; version: number }> {
    return this.repository.unseenCount(userId);
  }

  async unseenCounts(userIds: readonly string[]): Promise<Map<string, number>> {
    const distinct = [...new Set(userIds)];
    const stored = distinct.length === 0 ? new Map<string, number>() : await this.repository.unseenCounts(distinct);
    return new Map(distinct.map((userId) => [userId, stored.get(userId) ?? 0]));
  }

  /**
   * Ids that cannot name a notification (not a canonical decimal BIGINT) are treated like ids
   * of other users or already seen ones: not matched, not counted. A client can't tell a
   * malformed id from a deleted one anyway, and DELETE answers both alike (404).
   */
  async markSeen(userId: string, target: SeenTarget): Promise<{ updated: number; count: number; version: number }> {
    let updated: number;
    if ('all' in target) {
      updated = await this.repository.markAllSeen(userId);
    } else {
      const ids = target.ids.filter(isNotificationId);
      updated = ids.length === 0 ? 0 : await this.repository.markSeen(userId, ids);
    }
    if (updated > 0) this.changes.publish([userId]);
    return { updated, ...(await this.repository.unseenCount(userId)) };
  }

  async remove(id: string): Promise<void> {
    const deleted = isNotificationId(id) ? await this.repository.delete(id) : undefined;
    if (!deleted) throw new NotFoundError(`notification ${id} not found`);
    if (deleted.wasUnseen) this.changes.publish([deleted.userId]);
  }

  /** Newest first; those returned are now seen, and no other caller gets them. */
  async takeUnseen(userId: string, limit: number): Promise<NotificationRecord[]> {
    const taken = await this.repository.takeUnseen(userId, limit);
    if (taken.length > 0) this.changes.publish([userId]);
    return taken;
  }

  seenCreatedAfter(userId: string, after: Date, limit: number): Promise<NotificationRecord[]> {
    return this.repository.seenCreatedAfter(userId, after, limit);
  }

  /**
   * Several notifications, each for its own user with its own data (the §6 event batches):
   * every entry is checked before anything is stored, then all go in one statement, so one bad
   * entry stores none. Answers in the entries' order.
   */
  async createEach(entries: readonly { userId: string; data: unknown }[]): Promise<CreatedNotification[]> {
    if (entries.length === 0) return [];
    const rows = entries.map((entry, index) => {
      try {
        if (!isUserId(entry.userId)) throw new InvalidInputError(`${USER_ID_RULE} (got ${JSON.stringify(entry.userId)})`);
        return { userIds: [entry.userId], dataJson: this.serializeData(entry.data), category: null, idempotencyKey: null };
      } catch (error) {
        if (error instanceof InvalidInputError) throw new InvalidInputError(`entry ${index}: ${error.message}`);
        if (error instanceof PayloadTooLargeError) throw new PayloadTooLargeError(`entry ${index}: ${error.message}`);
        throw error;
      }
    });
    const inserted = (await this.repository.insertAll(rows)).flat();
    this.announceStored(inserted);
    return inserted;
  }

  /** Newest first, seen or not, created after `after`; the unseen ones returned are now seen. */
  async takeCreatedAfter(userId: string, after: Date, limit: number): Promise<NotificationRecord[]> {
    const { records, taken } = await this.repository.takeCreatedAfter(userId, after, limit);
    if (taken > 0) this.changes.publish([userId]);
    return records;
  }

  /** See NotificationsRepository.settledHorizon: before `settledBefore`, every notification is visible. */
  settledHorizon(): Promise<{ settledBefore: Date; now: Date }> {
    return this.repository.settledHorizon();
  }

  /** Oldest first, strictly after `after` in creation order. */
  createdAfterInOrder(userId: string, after: PagePosition, limit: number): Promise<NotificationRecord[]> {
    return this.repository.createdAfterInOrder(userId, after, limit);
  }

  /** After the commit that stored them: every instance hears of the users' new counts. */
  private announceStored(inserted: readonly CreatedNotification[]): void {
    this.changes.publish(inserted.map((created) => created.userId));
    this.metrics?.notificationsCreated.inc(inserted.length);
  }

  private serializeData(data: unknown): string {
    const json = data === undefined ? undefined : JSON.stringify(data);
    if (json === undefined) throw new InvalidInputError('data is required (any JSON value, null included)');
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > this.config.maxNotificationBytes) {
      throw new PayloadTooLargeError(`data is ${bytes} bytes as JSON; the limit is ${this.config.maxNotificationBytes}`);
    }
    if (NUL_ESCAPE.test(json)) throw new InvalidInputError('data: strings cannot contain the NUL character (\\u0000)');
    return json;
  }
}

function checkedText(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const length = [...value].length;
  if (length < 1 || length > MAX_TEXT_LENGTH || value.includes('\0')) {
    throw new InvalidInputError(`${name}: expected 1-${MAX_TEXT_LENGTH} characters without NUL`);
  }
  return value;
}
