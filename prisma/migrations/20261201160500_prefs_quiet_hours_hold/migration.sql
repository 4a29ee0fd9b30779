-- A push held for the end of its user's quiet hours (docs/push.md). Quiet hours are read on the
-- application's clock (the user's time zone, the hour), so their end is an instant of that
-- clock, not of the database's now(): a held job is never due (due_at infinity) until the push
-- worker releases it, once its clock has passed held_until.
ALTER TABLE "push_jobs" ADD COLUMN "held_until" TIMESTAMPTZ(3);

-- The worker looks for jobs to release on every pass: held ones only.
CREATE INDEX "push_jobs_held_until" ON "push_jobs"("held_until") WHERE "held_until" IS NOT NULL;
