import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { BUS_APPLICATION_NAME_PREFIX } from '../bus/bus.js';
import type { ClaimedPushJob, PushDisplay } from './push-job.js';
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
const CLAIM_DUE_JOBS = `
  WITH candidates AS (
    SELECT j.id, j.kind, j.notification_id, j.offline, j.attempts
    FROM push_jobs j
    -- Due: its first attempt, its retry time, or the lease of an instance that died mid-send is over...
    WHERE j.due_at <= now()
      -- ...and the first attempt of an offline push waits PUSH_GRACE after its notification was stored.
      AND (NOT j.offline OR j.attempts > 0 OR j.due_at <= now() - $1 * interval '1 millisecond')
    ORDER BY j.due_at
    LIMIT $2
    -- Two instances never take the same job: each skips the rows another holds.
    FOR UPDATE OF j SKIP LOCKED
  ), live_instances AS (
    SELECT substr(application_name, length($4) + 1) AS instance_id
    FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $4 || '%'
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
    UPDATE push_jobs j SET due_at = now() + $3 * interval '1 millisecond', attempts = j.attempts + 1
    FROM verdicts v WHERE j.id = v.id AND v.wanted
    RETURNING j.id, j.kind, j.attempts, j.subscription_id, j.notification_id, j.cleared_ids, j.display
  )
  SELECT l.id::text, l.kind, l.attempts, s.id AS subscription_id, s.kind AS provider, s.address, s.p256dh, s.auth,
    n.id::text AS notification_id, n.data, n.category, l.display, l.cleared_ids::text[] AS cleared_ids
  FROM leased l
  JOIN push_subscriptions s ON s.id = l.subscription_id
  LEFT JOIN notifications n ON n.id = l.notification_id`;

/**
 * A delivered notification is recorded (a later seen or delete clears it), unless it was seen
 * or deleted while it was on its way: then it is cleared at once. The notification's row is
 * locked (FOR SHARE) so that a concurrent mark waits for this record, and its clear sees it.
 */
const RECORD_SENT = `
  WITH done AS (
    DELETE FROM push_jobs WHERE id = $1 RETURNING subscription_id, notification_id, kind
  ), touched AS (
    UPDATE push_subscriptions s SET last_success_at = now() FROM done WHERE s.id = done.subscription_id
  ), unseen AS (
    SELECT n.id FROM notifications n WHERE n.id = (SELECT notification_id FROM done WHERE kind = 'notification') AND n.seen_at IS NULL FOR SHARE
  ), delivered AS (
    INSERT INTO push_deliveries (notification_id, subscription_id)
    SELECT done.notification_id, done.subscription_id FROM done JOIN unseen ON unseen.id = done.notification_id
    ON CONFLICT DO NOTHING
  )
  INSERT INTO push_jobs (subscription_id, kind, cleared_ids)
  SELECT done.subscription_id, 'clear', ARRAY[done.notification_id] FROM done
  WHERE done.kind = 'notification' AND NOT EXISTS (SELECT 1 FROM unseen)`;

interface ClaimedRow {
  id: string;
  kind: 'notification' | 'clear';
  attempts: number;
  subscription_id: string;
  provider: PushKind;
  address: string;
  p256dh: string | null;
  auth: string | null;
  notification_id: string | null;
  data: unknown;
  category: string | null;
  display: PushDisplay | null;
  cleared_ids: string[] | null;
}

@Injectable()
export class PushJobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Claims up to `limit` due jobs for `leaseMs`, dropping those the policy finds moot. */
  async claimDue(graceMs: number, limit: number, leaseMs: number): Promise<ClaimedPushJob[]> {
    const { rows } = await this.prisma.pool.query<ClaimedRow>(CLAIM_DUE_JOBS, [graceMs, limit, leaseMs, BUS_APPLICATION_NAME_PREFIX]);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      attempts: row.attempts,
      subscriptionId: row.subscription_id,
      provider: row.provider,
      address: row.address,
      p256dh: row.p256dh,
      auth: row.auth,
      notification: row.notification_id === null ? undefined : { id: row.notification_id, data: row.data, category: row.category, display: row.display },
      clearedIds: row.cleared_ids ?? [],
    }));
  }

  async recordSent(jobId: string): Promise<void> {
    await this.prisma.pool.query(RECORD_SENT, [jobId]);
  }

  /** The push service says the subscription is gone: it goes, with its jobs and deliveries. */
  async deleteSubscription(subscriptionId: string): Promise<void> {
    await this.prisma.pool.query('DELETE FROM push_subscriptions WHERE id = $1', [subscriptionId]);
  }

  async retryLater(jobId: string, delayMs: number): Promise<void> {
    await this.prisma.pool.query(`UPDATE push_jobs SET due_at = now() + $2 * interval '1 millisecond' WHERE id = $1`, [jobId, delayMs]);
  }

  async drop(jobId: string): Promise<void> {
    await this.prisma.pool.query('DELETE FROM push_jobs WHERE id = $1', [jobId]);
  }

  /** Jobs waiting, for the queue-depth gauge. */
  async depth(): Promise<number> {
    const { rows } = await this.prisma.pool.query<{ depth: number }>('SELECT count(*)::int AS depth FROM push_jobs');
    return rows[0].depth;
  }
}
