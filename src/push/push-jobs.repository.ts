import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { BUS_APPLICATION_NAME_PREFIX } from '../bus/bus.js';
import type { PushDisplay } from './push-display.js';
import type { ClaimedPushJob } from './push-job.js';
import type { PushKind } from './push-subscription.js';

/*
 * Due pushes are rows of our own table, claimed with FOR UPDATE SKIP LOCKED, rather than jobs
 * of pg-boss or graphile-worker: a push job must be written in the very transaction that
 * stores (or marks) its notification, by the notifications triggers, so that a commit never
 * has one without the other; those libraries enqueue through their own API and schema, which
 * a trigger on our tables would have to reach into. What we need of them (claim, lease, retry
 * time) is the one statement below.
 */

/** Which jobs are due, and which of those are moot: the push policy, in one statement (docs/push.md). */
const claimDueJobs = (graceMs: number, limit: number, leaseMs: number) => Prisma.sql`
  WITH candidates AS (
    SELECT j.id, j.kind, j.notification_id, j.offline, j.attempts
    FROM push_jobs j
    -- Due: its first attempt, its retry time, or the lease of an instance that died mid-send is over...
    WHERE j.due_at <= now()
      -- ...and the first attempt of an offline push waits PUSH_GRACE after its notification was stored.
      AND (NOT j.offline OR j.attempts > 0 OR j.due_at <= now() - ${graceMs} * interval '1 millisecond')
    ORDER BY j.due_at
    LIMIT ${limit}
    -- Two instances never take the same job: each skips the rows another holds.
    FOR UPDATE OF j SKIP LOCKED
  ), live_instances AS (
    SELECT substr(application_name, length(${BUS_APPLICATION_NAME_PREFIX}) + 1) AS instance_id
    FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE ${BUS_APPLICATION_NAME_PREFIX} || '%'
  ), verdicts AS (
    SELECT c.id, CASE
      -- A clear is always wanted: the device may show what it takes back.
      WHEN c.kind = 'clear' THEN true
      -- The notification is gone (deleted, expired) or was seen meanwhile: nothing to show.
      WHEN n.id IS NULL OR n.seen_at IS NOT NULL THEN false
      -- 'always', or a retry of an offline push already judged.
      WHEN NOT c.offline OR c.attempts > 0 THEN true
      -- Offline: no device of the user is live now (rows of instances whose bus connection is
      -- gone are dead)...
      ELSE NOT EXISTS (SELECT 1 FROM push_presence p JOIN live_instances l ON l.instance_id = p.instance_id::text WHERE p.user_id = n.user_id)
        -- ...nor was one since the notification was stored: that device showed it already.
        AND NOT EXISTS (SELECT 1 FROM push_last_disconnects d WHERE d.user_id = n.user_id AND d.disconnected_at >= n.created_at)
      END AS wanted
    FROM candidates c LEFT JOIN notifications n ON n.id = c.notification_id
  ), dropped AS (
    DELETE FROM push_jobs j USING verdicts v WHERE j.id = v.id AND NOT v.wanted
  ), leased AS (
    -- Held for the send by moving its due time past it: a crash mid-send loses nothing.
    UPDATE push_jobs j SET due_at = now() + ${leaseMs} * interval '1 millisecond', attempts = j.attempts + 1
    FROM verdicts v WHERE j.id = v.id AND v.wanted
    RETURNING j.id, j.kind, j.attempts, j.subscription_id, j.notification_id, j.cleared_ids, j.display
  )
  SELECT l.id::text, l.kind, l.attempts, s.id AS subscription_id, s.user_id, s.kind AS provider, s.address, s.p256dh, s.auth,
    n.id::text AS notification_id, n.data, n.category, l.display, l.cleared_ids::text[] AS cleared_ids,
    -- The user's inbox version as the push leaves: the device resumes its changes from there.
    COALESCE((SELECT i.version FROM user_inboxes i WHERE i.user_id = s.user_id), 0)::text AS version
  FROM leased l
  JOIN push_subscriptions s ON s.id = l.subscription_id
  LEFT JOIN notifications n ON n.id = l.notification_id`;

/**
 * A delivered notification is recorded (a later seen or delete clears it), unless it was seen
 * or deleted while it was on its way: the mark's trigger flagged the job (`cleared`), and the
 * notification is cleared at once instead. The flag and this delete meet on the job row's lock,
 * so one of the two always sees the other (see the migration *_push_clear_in_flight).
 */
const recordSent = (jobId: string) => Prisma.sql`
  WITH done AS (
    DELETE FROM push_jobs WHERE id = ${jobId}::bigint RETURNING subscription_id, notification_id, kind, cleared
  ), touched AS (
    UPDATE push_subscriptions s SET last_success_at = now() FROM done WHERE s.id = done.subscription_id
  ), delivered AS (
    INSERT INTO push_deliveries (notification_id, subscription_id)
    SELECT notification_id, subscription_id FROM done WHERE kind = 'notification' AND NOT cleared
    ON CONFLICT DO NOTHING
  )
  INSERT INTO push_jobs (subscription_id, kind, cleared_ids)
  SELECT subscription_id, 'clear', ARRAY[notification_id] FROM done WHERE kind = 'notification' AND cleared`;

/** Writes a push's outcome elsewhere (statistics, outgoing events) inside the job's own transaction. */
export type OutcomeReport = (db: pg.PoolClient) => Promise<void>;

interface ClaimedRow {
  id: string;
  kind: 'notification' | 'clear';
  attempts: number;
  subscription_id: string;
  user_id: string;
  provider: PushKind;
  address: string;
  p256dh: string | null;
  auth: string | null;
  notification_id: string | null;
  data: unknown;
  category: string | null;
  display: PushDisplay | null;
  cleared_ids: string[] | null;
  version: string;
}

@Injectable()
export class PushJobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Claims up to `limit` due jobs for `leaseMs`, dropping those the policy finds moot. */
  async claimDue(graceMs: number, limit: number, leaseMs: number): Promise<ClaimedPushJob[]> {
    const { rows } = await this.prisma.query<ClaimedRow>(claimDueJobs(graceMs, limit, leaseMs));
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      attempts: row.attempts,
      subscriptionId: row.subscription_id,
      userId: row.user_id,
      provider: row.provider,
      address: row.address,
      p256dh: row.p256dh,
      auth: row.auth,
      notification: row.notification_id === null ? undefined : { id: row.notification_id, data: row.data, category: row.category, display: row.display },
      clearedIds: row.cleared_ids ?? [],
      version: Number(row.version),
    }));
  }

  /** `report` writes what the push came to (statistics, outgoing events) in the same transaction. */
  recordSent(jobId: string, report?: OutcomeReport): Promise<void> {
    return this.completing(recordSent(jobId), report);
  }

  /** The push service says the subscription is gone: it goes, with its jobs and deliveries. */
  deleteSubscription(subscriptionId: string, report?: OutcomeReport): Promise<void> {
    return this.completing(Prisma.sql`DELETE FROM push_subscriptions WHERE id = ${subscriptionId}::uuid`, report);
  }

  /** Holds a push until `until`, an instant of the application's clock (the end of quiet hours): not due until released. */
  async holdUntil(jobId: string, until: Date): Promise<void> {
    await this.prisma.query(Prisma.sql`UPDATE push_jobs SET due_at = 'infinity', held_until = ${until} WHERE id = ${jobId}::bigint`);
  }

  /** Makes due at once the pushes held until `now` (the application's clock) or earlier. */
  async releaseHeld(now: Date): Promise<void> {
    await this.prisma.query(Prisma.sql`UPDATE push_jobs SET due_at = now(), held_until = NULL WHERE held_until <= ${now}`);
  }

  async retryLater(jobId: string, delayMs: number): Promise<void> {
    await this.prisma.query(Prisma.sql`UPDATE push_jobs SET due_at = now() + ${delayMs} * interval '1 millisecond' WHERE id = ${jobId}::bigint`);
  }

  drop(jobId: string, report?: OutcomeReport): Promise<void> {
    return this.completing(Prisma.sql`DELETE FROM push_jobs WHERE id = ${jobId}::bigint`, report);
  }

  private async completing(statement: Prisma.Sql, report: OutcomeReport | undefined): Promise<void> {
    if (!report) {
      await this.prisma.query(statement);
      return;
    }
    await this.prisma.transaction(async (client) => {
      await client.query(statement.text, statement.values);
      await report(client);
    });
  }

  /** Whether any push subscription exists: without one, no job can be queued. */
  async anySubscription(): Promise<boolean> {
    const { rows } = await this.prisma.query<{ found: boolean }>(Prisma.sql`SELECT EXISTS (SELECT 1 FROM push_subscriptions) AS found`);
    return rows[0].found;
  }

  /** Jobs waiting, for the queue-depth gauge. */
  async depth(): Promise<number> {
    const { rows } = await this.prisma.query<{ depth: number }>(Prisma.sql`SELECT count(*)::int AS depth FROM push_jobs`);
    return rows[0].depth;
  }
}
