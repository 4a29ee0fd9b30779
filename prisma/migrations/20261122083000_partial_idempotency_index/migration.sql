-- Written by hand: schema.prisma cannot say that a unique index is partial.
--
-- The same constraint as before (NULL keys never conflicted with each other), but the rows
-- without an idempotency key, nearly all of them, no longer get an entry in this index: one
-- btree insertion fewer per notification (measured in docs/performance.md, batch ingest).
-- Built under a new name and swapped in within this migration's transaction, so the key is
-- unique at every moment. Inserts wait while it is built: a scan of the table, seconds per
-- ten million rows.
CREATE UNIQUE INDEX "notifications_user_idempotency_key_partial" ON "notifications"("user_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL;
DROP INDEX "notifications_user_idempotency_key";
ALTER INDEX "notifications_user_idempotency_key_partial" RENAME TO "notifications_user_idempotency_key";
