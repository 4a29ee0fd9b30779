/**
 * The shapes of pns's backend API (docs/api.md of the pns repository). Every method of the
 * client answers pns's JSON as it comes.
 */

/** One user's notification as the REST API lists it. */
export interface Notification {
  id: string;
  userId: string;
  /** The data as posted: any JSON value, `null` included. */
  data: unknown;
  category: string | null;
  createdAt: string;
  seenAt: string | null;
  readAt: string | null;
  archivedAt: string | null;
  updatedAt: string | null;
  expiresAt: string | null;
  key: string | null;
}

export type PushMode = 'offline' | 'always' | 'never';

export interface PushDisplay {
  title: string;
  body?: string;
  url?: string;
}

export type Recipients = { userId: string; userIds?: never } | { userIds: readonly string[]; userId?: never };

export type NotifyInput = Recipients & {
  /** Any JSON value, `null` included; stored and delivered as given. */
  data: unknown;
  category?: string;
  /**
   * A retry with the same key for the same user creates nothing new. Without one, the client
   * makes one per call, so its own retries never store a notification twice.
   */
  idempotencyKey?: string;
  /** Replaces the user's notification with this key, keeping its id. */
  key?: string;
  /** With `key`: `false` keeps a replaced notification's seen and read marks. */
  renotify?: boolean;
  /** A duration such as `"12h"`; or give `expiresAt`. */
  ttl?: string;
  expiresAt?: Date | string;
  push?: PushMode;
  pushDisplay?: PushDisplay;
};

export type NotifyEntry =
  | { id: string; userId: string; createdAt: string; replaced?: boolean }
  | { userId: string; suppressed: 'preference' };

export interface NotifyResult {
  /** One entry per recipient. */
  notifications: NotifyEntry[];
}

export type ListState = 'unseen' | 'seen' | 'all' | 'unread' | 'read' | 'archived' | 'snoozed';

export interface ListQuery {
  state?: ListState;
  /** 1 to 500; pns's default is 50. */
  limit?: number;
  /** The previous page's `nextCursor`. */
  cursor?: string;
  category?: string | readonly string[];
}

export interface NotificationPage {
  items: Notification[];
  nextCursor: string | null;
}

export interface UnseenCount {
  userId: string;
  count: number;
  /** The user's inbox version this count is as of. */
  version: number;
}

export type SeenSelector = { ids: readonly string[] } | { all: true };

export interface SeenResult {
  updated: number;
  /** The unseen count now. */
  count: number;
  /** The user's inbox version this count is as of. */
  version: number;
}

export interface CategoryCounts {
  unseen: number;
  unread: number;
  total: number;
}

export interface Counts extends CategoryCounts {
  /** The user's inbox version: it advances by one with every change. */
  version: number;
  /** Every category with notifications (not archived). */
  categories: Record<string, CategoryCounts>;
}

export interface UserCounts extends Counts {
  userId: string;
}

export type MarkSet = 'seen' | 'read' | 'unread' | 'archived' | 'unarchived' | 'snoozed';

export interface MarkFilter {
  category?: string | readonly string[];
  createdBefore?: Date | string;
  state?: ListState;
}

/** Which notifications to mark: exactly one of `ids`, `filter` or `all`; `until` for `snoozed`. */
export type MarkSelector = ({ ids: readonly string[] } | { filter: MarkFilter } | { all: true }) & { until?: Date | string };

export interface MarkResult {
  /** Notifications whose mark changed. */
  updated: number;
  counts: Counts;
}

export type ChangeType = 'created' | 'updated' | 'seen' | 'read' | 'unread' | 'archived' | 'unarchived' | 'snoozed' | 'unsnoozed' | 'deleted' | 'expired';

/** A notification as a change carries it (the device protocol's Item): absent fields are unset. */
export interface ChangeItem {
  id: string;
  notification_data: unknown;
  create_date: string;
  seen_date?: string;
  category?: string;
  read_date?: string;
  archive_date?: string;
  update_date?: string;
  expire_date?: string;
  key?: string;
}

export interface Change {
  version: number;
  type: ChangeType;
  at: string;
  ids: string[];
  /** For `created`, `updated` and `unsnoozed`: those of `ids` that still exist, as they are now. */
  items?: ChangeItem[];
}

export interface ChangesPage {
  /** Oldest first. */
  changes: Change[];
  /** The user's version now. */
  version: number;
  hasMore: boolean;
}

export interface DroppedConnections {
  dropped: number;
}

export interface Ticket {
  /** What the device passes as `connectionId` to `/subscribe`. */
  connectionId: string;
  userId: string;
  expiresAt: string;
}

export interface CreatedWebhook {
  id: string;
  /** The capability URL: shown this once, never listed. */
  url: string;
}

export interface WebhookList {
  items: { id: string; createdAt: string }[];
}
