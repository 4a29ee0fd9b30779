/** One stored notification, as every transport of the service sees it before mapping. */
export interface NotificationRecord {
  /** The BIGSERIAL id as a decimal string: JavaScript numbers lose precision past 2^53. */
  id: string;
  userId: string;
  data: unknown;
  category: string | null;
  createdAt: Date;
  seenAt: Date | null;
  readAt: Date | null;
  archivedAt: Date | null;
  /** Set when it was replaced by key. */
  updatedAt: Date | null;
  expiresAt: Date | null;
  key: string | null;
}

export interface CreatedNotification {
  id: string;
  userId: string;
  createdAt: Date;
  /** It replaced the user's notification with the request's key (same id, same createdAt). */
  replaced?: true;
}

/** A recipient whose preferences turned the notification away: nothing was stored for them. */
export interface SuppressedNotification {
  userId: string;
  suppressed: 'preference';
}

export type IngestOutcome = CreatedNotification | SuppressedNotification;

export interface NewNotifications {
  userIds: string[];
  data: unknown;
  category?: string;
  idempotencyKey?: string;
  /** Checked by the push rules (src/push/push-display.ts); `offline` when absent. */
  push?: unknown;
  pushDisplay?: unknown;
  /** Replace by key (docs/lifecycle.md#replace-by-key). */
  key?: string;
  /** false: a replacement keeps its seen/read/archived/snoozed marks. Default true. */
  renotify?: boolean;
  /** An ISO-8601 instant, or give `ttl`; neither: it never expires. */
  expiresAt?: string;
  /** A duration (`30s`, `15m`, `2h`, `7d`) from now. */
  ttl?: string;
}

/**
 * What a list shows. All but `archived` and `snoozed` are over the inbox: notifications neither
 * archived nor snoozed (`all` is every one of those). Expired ones are never listed.
 */
export type NotificationState = 'unseen' | 'seen' | 'unread' | 'read' | 'archived' | 'snoozed' | 'all';

export const NOTIFICATION_STATES: readonly NotificationState[] = ['unseen', 'seen', 'unread', 'read', 'archived', 'snoozed', 'all'];

/** Where a page ends: the keyset of the last notification returned (newest-first order). */
export interface PagePosition {
  createdAt: Date;
  id: string;
}

const MAX_BIGINT = 9223372036854775807n;

/**
 * Whether `text` can name a stored notification: the canonical decimal form of a positive
 * BIGINT. Anything else is answered as "no such notification" without asking the database,
 * which would otherwise fail the cast.
 */
export function isNotificationId(text: string): boolean {
  return /^[1-9]\d{0,18}$/.test(text) && BigInt(text) <= MAX_BIGINT;
}
