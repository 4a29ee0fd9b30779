-- Clear everywhere, also for a push on its way when its notification is seen or deleted.
-- The worker used to lock the notification's row (FOR SHARE) while it recorded a delivery, so
-- that a concurrent mark would see the delivery; but a locked row is skipped by the device
-- requests that take unseen notifications (FOR UPDATE SKIP LOCKED). Now the mark flags the
-- push's job row instead, and the worker's completion reads the flag: the two meet on the job
-- row's lock, which no device request touches.

ALTER TABLE "push_jobs" ADD COLUMN "cleared" BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX "push_jobs_notification" ON "push_jobs"("notification_id") WHERE "notification_id" IS NOT NULL;

-- Two statements, in this order, each with its own snapshot: the flag first (it waits for a
-- completion under way to commit), then the deliveries (which then include that completion's).
CREATE OR REPLACE FUNCTION "pns_push_clear"(p_ids BIGINT[]) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  UPDATE push_jobs SET cleared = true WHERE notification_id = ANY (p_ids) AND kind = 'notification';
  WITH cleared AS (
    DELETE FROM push_deliveries WHERE notification_id = ANY (p_ids)
    RETURNING notification_id, subscription_id
  )
  INSERT INTO push_jobs (subscription_id, kind, cleared_ids)
  SELECT subscription_id, 'clear', array_agg(notification_id ORDER BY notification_id)
  FROM cleared GROUP BY subscription_id;
END $$;
