import { Prisma } from '../generated/prisma/client.js';
import type { NotificationState } from './notification.js';

const IN_INBOX = 'archived_at IS NULL AND snoozed_until IS NULL';

/**
 * Each list state as SQL conditions on "notifications", for lists and for marking by filter.
 * Each names its partial index's predicate literally (see the init and inbox migrations): the
 * planner only picks a partial index when the query's WHERE implies the index's, which a bound
 * parameter never does. `unread` and `all` walk notifications_user_newest.
 */
export const STATE_CONDITIONS: Record<NotificationState, Prisma.Sql> = {
  unseen: Prisma.raw(`seen_at IS NULL AND ${IN_INBOX}`),
  seen: Prisma.raw(`seen_at IS NOT NULL AND ${IN_INBOX}`),
  unread: Prisma.raw(`read_at IS NULL AND ${IN_INBOX}`),
  read: Prisma.raw(`read_at IS NOT NULL AND ${IN_INBOX}`),
  archived: Prisma.raw('archived_at IS NOT NULL'),
  snoozed: Prisma.raw('snoozed_until IS NOT NULL'),
  all: Prisma.raw(IN_INBOX),
};

/** An expired notification is gone for its user even before the job that deletes it runs. */
export const NOT_EXPIRED = Prisma.raw('(expires_at IS NULL OR expires_at > now())');
