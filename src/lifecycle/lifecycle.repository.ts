import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

/**
 * The lifecycle jobs' statements (docs/lifecycle.md#expiry, #snooze). Each is one autocommit
 * statement over at most `limit` rows; the triggers on "notifications" turn it into changes
 * (`expired`, `unsnoozed`), counts, events and push clears in the same transaction.
 */
@Injectable()
export class LifecycleRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Deletes up to `limit` expired notifications; answers the user of each. */
  async deleteExpired(limit: number): Promise<string[]> {
    const { rows } = await this.prisma.query<{ user_id: string }>(Prisma.sql`
      WITH due AS (
        SELECT id FROM notifications
        -- Due: its expiry has come (lists hide it from that instant already). The partial
        -- index notifications_expiry_due serves this range, earliest first.
        WHERE expires_at IS NOT NULL AND expires_at <= now()
        ORDER BY expires_at
        LIMIT ${limit}
        -- Another instance's sweep, or a mark holding a row, is skipped rather than waited for:
        -- the next sweep takes what is left.
        FOR UPDATE SKIP LOCKED)
      -- The delete trigger names the change 'expired' since expires_at <= now().
      DELETE FROM notifications USING due WHERE notifications.id = due.id
      RETURNING notifications.user_id`);
    return rows.map((row) => row.user_id);
  }

  /**
   * Wakes up to `limit` snoozed notifications whose time has come: back in the inbox, unseen
   * and unread (the trigger names the change 'unsnoozed'); answers the user of each.
   */
  async wakeSnoozed(limit: number): Promise<string[]> {
    const { rows } = await this.prisma.query<{ user_id: string }>(Prisma.sql`
      WITH due AS (
        SELECT id FROM notifications
        -- Due: the snooze is over. The partial index notifications_snooze_due serves this range.
        WHERE snoozed_until IS NOT NULL AND snoozed_until <= now()
        ORDER BY snoozed_until
        LIMIT ${limit}
        -- As above: rows held elsewhere wait for the next sweep.
        FOR UPDATE SKIP LOCKED)
      -- Snoozing put it off: it comes back as news, so unseen and unread again.
      UPDATE notifications SET snoozed_until = NULL, seen_at = NULL, read_at = NULL
      FROM due WHERE notifications.id = due.id
      RETURNING notifications.user_id`);
    return rows.map((row) => row.user_id);
  }
}
