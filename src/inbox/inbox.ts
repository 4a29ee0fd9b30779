import type { NotificationRecord, NotificationState } from '../notifications/notification.js';

/**
 * The marks a user sets (docs/inbox.md): reading and archiving also mark seen; snoozing hides
 * until `until`, then the notification comes back unseen and unread.
 */
export type MarkSet = 'seen' | 'read' | 'unread' | 'archived' | 'unarchived' | 'snoozed';

export const MARK_SETS: readonly MarkSet[] = ['seen', 'read', 'unread', 'archived', 'unarchived', 'snoozed'];

/** At most this many ids in one mark (by ids), and in one change. */
export const MAX_MARK_IDS = 1000;

/** The most changes one read of the log answers. */
export const MAX_CHANGES_PAGE = 1000;

/** Which of a user's notifications a mark applies to; a filter's conditions all hold (none: all). */
export type MarkSelector =
  | { ids: readonly string[] }
  | { filter: { categories?: readonly string[]; createdBefore?: Date; state?: NotificationState } }
  | { all: true };

export interface MarkTarget {
  set: MarkSet;
  selector: MarkSelector;
  /** For `snoozed` only, and then required: when it comes back (checked by InboxService.mark). */
  until?: Date;
}

export interface CategoryCounts {
  unseen: number;
  unread: number;
  total: number;
}

/** Over notifications neither archived nor snoozed, as of `version`; `categories` holds those with total > 0. */
export interface Counts extends CategoryCounts {
  version: number;
  categories: Record<string, CategoryCounts>;
}

export type ChangeType = 'created' | 'updated' | 'seen' | 'read' | 'unread' | 'archived' | 'unarchived' | 'snoozed' | 'unsnoozed' | 'deleted' | 'expired';

/** The change types whose notifications travel with the change, as they are when it is read. */
export const CHANGE_TYPES_WITH_ITEMS: ReadonlySet<ChangeType> = new Set(['created', 'updated', 'unsnoozed']);

export interface Change {
  version: number;
  type: ChangeType;
  at: Date;
  ids: string[];
  /** For CHANGE_TYPES_WITH_ITEMS only: those of `ids` that still exist, in `ids` order. */
  items?: NotificationRecord[];
}

export interface ChangesPage {
  /** Oldest first, every one above the `since` asked for, up to the limit. */
  changes: Change[];
  /** The user's version when the page was read. */
  version: number;
  hasMore: boolean;
}

/** A change as stored, before its items are read. */
export interface StoredChange {
  version: number;
  type: ChangeType;
  at: Date;
  ids: string[];
}
