import { Injectable, Optional } from '@nestjs/common';
import { UnseenChangesPublisher } from '../bus/unseen-changes.publisher.js';
import { ConflictError, InvalidInputError, NotFoundError, PayloadTooLargeError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { isNotificationId, type CreatedNotification, type IngestOutcome, type NewNotifications, type NotificationRecord, type NotificationState, type PagePosition } from './notification.js';
import { checkedRows } from './new-notifications.js';
import { NotificationsRepository, type NotificationRows, type StoredRequest } from './notifications.repository.js';

export type { CreatedNotification, IngestOutcome, NewNotifications, NotificationRecord, NotificationState } from './notification.js';

export interface ListQuery {
  state: NotificationState;
  /** Only these categories; undefined: any. */
  categories?: string[];
  limit: number;
  cursor?: string;
}

export type SeenTarget = { ids: string[] } | { all: true };

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
   * One request: the same data for one or more users. Answers in the order of `userIds`, one
   * per distinct user.
   */
  async create(input: NewNotifications): Promise<CreatedNotification[]> {
    const [{ created }] = await this.ingest([checkedRows(input, this.config.maxNotificationBytes)]);
    return created;
  }

  /**
   * A notification posted by the application (POST /api/notifications): as `create`, but a
   * recipient whose preferences keep the category out of their inbox gets nothing stored and
   * is answered `suppressed` (docs/events.md#preferences). The insert statement itself reads
   * the preferences.
   */
  async post(input: NewNotifications): Promise<IngestOutcome[]> {
    const rows = checkedRows(input, this.config.maxNotificationBytes);
    const [{ created, suppressed }] = await this.ingest([{ ...rows, honoursInboxPreferences: true }]);
    const byUser = new Map<string, IngestOutcome>(created.map((notification) => [notification.userId, notification]));
    for (const userId of suppressed) byUser.set(userId, { userId, suppressed: 'preference' });
    return rows.userIds.map((userId) => byUser.get(userId)!);
  }

  /**
   * Several notifications, each for its own user with its own data (the notifier's event
   * batches): every entry is checked before anything is stored, then all are committed in one
   * statement, so one bad entry stores none. Answers in the entries' order.
   */
  async createEach(entries: readonly { userId: string; data: unknown }[]): Promise<CreatedNotification[]> {
    if (entries.length === 0) return [];
    const requests = entries.map((entry, index) => {
      try {
        return checkedRows({ userIds: [entry.userId], data: entry.data }, this.config.maxNotificationBytes);
      } catch (error) {
        if (error instanceof InvalidInputError) throw new InvalidInputError(`entry ${index}: ${error.message}`);
        if (error instanceof PayloadTooLargeError) throw new PayloadTooLargeError(`entry ${index}: ${error.message}`);
        throw error;
      }
    });
    return (await this.ingest(requests)).flatMap((request) => request.created);
  }

  /** Newest first; `nextCursor` is null on the last page (one extra row is read to know). */
  async list(userId: string, query: ListQuery): Promise<{ items: NotificationRecord[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && after === undefined) throw new InvalidInputError('cursor: not a cursor returned by this service');
    const rows = await this.repository.page(userId, { state: query.state, categories: query.categories }, query.limit + 1, after);
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]) : null };
  }

  /** Those of `ids` that are this user's (ids that cannot name a notification match none). */
  findByIds(userId: string, ids: readonly string[]): Promise<NotificationRecord[]> {
    const valid = ids.filter(isNotificationId);
    return valid.length === 0 ? Promise.resolve([]) : this.repository.findByIds(userId, valid);
  }

  /** The unseen count with the inbox version it is as of. */
  unseenCountAndVersion(userId: string): Promise<{ count: number; version: number }> {
    return this.repository.unseenCount(userId);
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
    // Every deletion is a change of the inbox (its version moves), whether or not a count did.
    this.changes.publish([deleted.userId]);
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

  /**
   * The one ingest path, whatever the transport: the checked requests go to the group-commit
   * batcher as one unit, so they are stored in one statement (all or none) and committed with
   * whatever other requests arrive meanwhile; every instance hears of the users' new counts
   * once that commit is done.
   */
  private async ingest(requests: readonly NotificationRows[]): Promise<StoredRequest[]> {
    const inserted = await this.repository.insert(requests);
    const stored = inserted.flatMap((request) => request.created);
    this.changes.publish(stored.map((created) => created.userId));
    this.metrics?.notificationsCreated.inc(stored.length);
    return Promise.all(
      requests.map(async (request, index) => ({ created: await this.withOriginals(request, inserted[index]), suppressed: inserted[index].suppressed })),
    );
  }

  /**
   * The request's notification for each of its users not suppressed: a user absent from
   * `inserted` already had one with the request's idempotency key, committed before our insert
   * skipped it (a retry).
   */
  private async withOriginals(request: NotificationRows, inserted: StoredRequest): Promise<CreatedNotification[]> {
    const byUser = new Map(inserted.created.map((created) => [created.userId, created]));
    const suppressed = new Set(inserted.suppressed);
    const recipients = suppressed.size === 0 ? request.userIds : request.userIds.filter((userId) => !suppressed.has(userId));
    if (byUser.size < recipients.length && request.idempotencyKey !== null) {
      const retried = recipients.filter((userId) => !byUser.has(userId));
      for (const existing of await this.repository.findByIdempotencyKey(retried, request.idempotencyKey)) byUser.set(existing.userId, existing);
    }
    return recipients.map((userId) => {
      const created = byUser.get(userId);
      // Only when the original was deleted between our insert and our read: a retry then creates it anew.
      if (!created) throw new ConflictError(`the notification for ${JSON.stringify(userId)} with this idempotency key was just deleted; retry`);
      return created;
    });
  }
}
