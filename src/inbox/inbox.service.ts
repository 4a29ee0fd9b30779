import { Injectable } from '@nestjs/common';
import { UnseenChangesPublisher } from '../bus/unseen-changes.publisher.js';
import { GoneError, InvalidInputError } from '../common/errors.js';
import { isNotificationId } from '../notifications/notification.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { CHANGE_TYPES_WITH_ITEMS, MAX_CHANGES_PAGE, MAX_MARK_IDS, type ChangesPage, type Counts, type MarkTarget } from './inbox.js';
import { InboxRepository } from './inbox.repository.js';

/**
 * The inbox of every transport: counts, marks and the change log (docs/inbox.md). Marks
 * announce the user to all instances after their statement committed, like every write of
 * NotificationsService: delivery re-reads counts and changes from the database.
 */
@Injectable()
export class InboxService {
  constructor(
    private readonly repository: InboxRepository,
    private readonly notifications: NotificationsService,
    private readonly changes: UnseenChangesPublisher,
  ) {}

  /** Zeros and version 0 for a user without a change. */
  counts(userId: string): Promise<Counts> {
    return this.repository.countsOfUser(userId);
  }

  /**
   * Sets a mark on the selected notifications whose mark it changes; `updated` counts exactly
   * those. Ids that cannot name a notification of the user are ignored, like ids of others.
   * The counts are read after the commit: their version includes this mark.
   */
  async mark(userId: string, target: MarkTarget): Promise<{ updated: number; counts: Counts }> {
    const { selector } = target;
    checkUntil(target, new Date());
    if ('ids' in selector && selector.ids.length > MAX_MARK_IDS) throw new InvalidInputError(`ids: at most ${MAX_MARK_IDS}`);
    const ids = 'ids' in selector ? selector.ids.filter(isNotificationId) : undefined;
    const updated = ids?.length === 0 ? 0 : await this.repository.mark(userId, target, ids ? { ids } : selector);
    if (updated > 0) this.changes.publish([userId]);
    return { updated, counts: await this.counts(userId) };
  }

  /**
   * The user's changes after version `since`, oldest first, at most `limit`. A `since` the log
   * no longer covers (retention deleted a change after it) is GoneError with the current
   * version: the client reloads its state. A `since` ahead of the user's version is refused.
   * Items are read now: they show each notification as it is, and skip those since deleted.
   */
  async changesSince(userId: string, since: number, limit: number): Promise<ChangesPage> {
    if (!Number.isSafeInteger(since) || since < 0) throw new InvalidInputError('since must be a non-negative integer');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CHANGES_PAGE) throw new InvalidInputError(`limit must be an integer from 1 to ${MAX_CHANGES_PAGE}`);
    const { changes, version, prunedVersion } = await this.repository.changesAfter(userId, since, limit);
    if (since > version) throw new InvalidInputError(`since (${since}) is ahead of the user's version (${version})`);
    if (since < prunedVersion) throw new GoneError(`changes after version ${since} are no longer kept; reload and resume from version ${version}`, version);

    const withItems = changes.filter((change) => CHANGE_TYPES_WITH_ITEMS.has(change.type));
    const records = withItems.length === 0 ? [] : await this.notifications.findByIds(userId, withItems.flatMap((change) => change.ids));
    const byId = new Map(records.map((record) => [record.id, record]));
    return {
      changes: changes.map((change) =>
        CHANGE_TYPES_WITH_ITEMS.has(change.type) ? { ...change, items: change.ids.flatMap((id) => byId.get(id) ?? []) } : change,
      ),
      version,
      hasMore: changes.length === limit && changes[changes.length - 1].version < version,
    };
  }
}

/** `until` goes with `snoozed` only, which needs one in the future: a snooze that is over at once would be no snooze. */
function checkUntil({ set, until }: MarkTarget, now: Date): void {
  if (set !== 'snoozed') {
    if (until !== undefined) throw new InvalidInputError('until is only for set "snoozed"');
    return;
  }
  if (until === undefined || Number.isNaN(until.getTime())) throw new InvalidInputError('set "snoozed" needs until (an ISO-8601 date-time)');
  if (until.getTime() <= now.getTime()) throw new InvalidInputError('until must be in the future');
}
