-- Outgoing events (docs/events.md): the hooks, and an outbox of deliveries written in the
-- transaction of the change they report.
CREATE TABLE "event_hooks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "url" TEXT NOT NULL,
    "events" TEXT[] NOT NULL,
    -- Kept as given out (whsec_<base64>), not hashed: every delivery is signed with it.
    "secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_hooks_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "event_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "hook_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    -- The whole body as it is signed and sent: {"type", "timestamp", "data"}.
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "event_deliveries_status" CHECK ("status" IN ('pending', 'succeeded', 'failed')),
    -- Deleting a hook drops its log and whatever it still had to deliver.
    CONSTRAINT "event_deliveries_hook_id_fkey" FOREIGN KEY ("hook_id") REFERENCES "event_hooks"("id") ON DELETE CASCADE
);

-- The worker's claim: only pending rows are in it, oldest due first.
CREATE INDEX "event_deliveries_due" ON "event_deliveries"("next_attempt_at") WHERE "status" = 'pending';
-- The delivery log of one hook, newest first, by status; also serves the cascade on delete.
CREATE INDEX "event_deliveries_hook_log" ON "event_deliveries"("hook_id", "status", "id" DESC);

-- Preferences (docs/events.md#preferences): one row per user who ever set them; a user without
-- one has the defaults.
CREATE TABLE "user_preferences" (
    "user_id" VARCHAR(255) NOT NULL,
    "preferences" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_preferences_pkey" PRIMARY KEY ("user_id")
);
