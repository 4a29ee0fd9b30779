-- Written by hand: what the lifecycle jobs look for (docs/lifecycle.md#expiry, #snooze), found
-- from the earliest due instant. Partial: a notification that neither expires nor is snoozed
-- (most) costs no entry, and ingest of those pays nothing.
CREATE INDEX "notifications_expiry_due" ON "notifications"("expires_at") WHERE "expires_at" IS NOT NULL;
CREATE INDEX "notifications_snooze_due" ON "notifications"("snoozed_until") WHERE "snoozed_until" IS NOT NULL;

-- A notification that comes back as news is pushed again, as a new one would be: replaced by
-- key and unseen now (renotify), or woken from a snooze. Only those that count (not archived or
-- snoozed) and whose policy pushes. Web Push shows it under the notification's topic, so
-- it takes the place of what the device showed. Due now: an offline push waits PUSH_GRACE from here.
-- A notification snoozed leaves the devices it was pushed to until it wakes, as it leaves the inbox.
CREATE FUNCTION "pns_push_enqueue_renotified"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pns_push_clear(ARRAY(
    SELECT a.id FROM after_update a JOIN before_update b USING (id)
    WHERE b.snoozed_until IS NULL AND a.snoozed_until IS NOT NULL AND a.seen_at IS NULL));
  INSERT INTO push_jobs (subscription_id, kind, notification_id, offline, display, due_at)
  SELECT s.id, 'notification', a.id, a.push_policy = 'offline', a.push_display, now()
  FROM after_update a JOIN before_update b USING (id)
  JOIN push_subscriptions s ON s.user_id = a.user_id
  WHERE a.push_policy <> 'never' AND a.seen_at IS NULL AND a.archived_at IS NULL AND a.snoozed_until IS NULL
    AND (a.updated_at IS DISTINCT FROM b.updated_at OR b.snoozed_until IS NOT NULL);
  RETURN NULL;
END $$;
CREATE TRIGGER "notifications_push_enqueue_renotified" AFTER UPDATE ON "notifications"
  REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update FOR EACH STATEMENT EXECUTE FUNCTION "pns_push_enqueue_renotified"();
