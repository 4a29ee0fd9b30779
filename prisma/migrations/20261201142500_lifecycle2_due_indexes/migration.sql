-- Written by hand: what the lifecycle jobs look for (docs/lifecycle.md#expiry, #snooze), found
-- from the earliest due instant. Partial: a notification that neither expires nor is snoozed
-- (most) costs no entry, and ingest of those pays nothing.
CREATE INDEX "notifications_expiry_due" ON "notifications"("expires_at") WHERE "expires_at" IS NOT NULL;
CREATE INDEX "notifications_snooze_due" ON "notifications"("snoozed_until") WHERE "snoozed_until" IS NOT NULL;
