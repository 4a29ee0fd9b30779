-- Offline push (docs/push.md): subscriptions, the queue of due pushes, who is connected where,
-- and the VAPID keys generated outside production.

-- One row per browser push endpoint or FCM registration token. The same address subscribed
-- again is the same row (re-pointed to its newest user): a device has one owner at a time.
CREATE TABLE "push_subscriptions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" VARCHAR(255) NOT NULL,
    "kind" VARCHAR(8) NOT NULL CHECK ("kind" IN ('webpush', 'fcm')),
    -- The Web Push endpoint URL or the FCM token: a secret, never listed nor logged.
    "address" TEXT NOT NULL,
    "p256dh" TEXT,
    "auth" TEXT,
    "platform" VARCHAR(8),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_success_at" TIMESTAMPTZ(3),
    CONSTRAINT "push_subscriptions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "push_subscriptions_address" ON "push_subscriptions"("kind", "address");
CREATE INDEX "push_subscriptions_user" ON "push_subscriptions"("user_id");

-- How each notification is to be pushed, given at ingest; 'offline' unless the application says.
ALTER TABLE "notifications"
    ADD COLUMN "push_policy" VARCHAR(8) NOT NULL DEFAULT 'offline' CHECK ("push_policy" IN ('offline', 'always', 'never')),
    ADD COLUMN "push_display" JSONB;

-- One push to one subscription. Written by triggers in the transaction that stored or changed
-- the notification, so that no commit can leave a notification without its push (nor a push
-- without its notification). Claimed with FOR UPDATE SKIP LOCKED by PushJobsRepository.
CREATE TABLE "push_jobs" (
    "id" BIGSERIAL NOT NULL,
    "subscription_id" UUID NOT NULL REFERENCES "push_subscriptions"("id") ON DELETE CASCADE,
    "kind" VARCHAR(12) NOT NULL CHECK ("kind" IN ('notification', 'clear')),
    -- kind 'notification': the notification to show (gone by send time: the job is dropped).
    "notification_id" BIGINT,
    -- kind 'clear': the notifications to take off the device's screen.
    "cleared_ids" BIGINT[],
    -- Only when no device of the user was live from the notification's storage until due.
    "offline" BOOLEAN NOT NULL DEFAULT false,
    "display" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- When the next attempt may start; pushed forward while an attempt is under way (a lease).
    "due_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "push_jobs_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "push_jobs_due" ON "push_jobs"("due_at");
CREATE INDEX "push_jobs_subscription" ON "push_jobs"("subscription_id");

-- Notifications delivered to a subscription: the ones a clear must take back.
CREATE TABLE "push_deliveries" (
    "notification_id" BIGINT NOT NULL,
    "subscription_id" UUID NOT NULL REFERENCES "push_subscriptions"("id") ON DELETE CASCADE,
    CONSTRAINT "push_deliveries_pkey" PRIMARY KEY ("notification_id", "subscription_id")
);
CREATE INDEX "push_deliveries_subscription" ON "push_deliveries"("subscription_id");

-- Users with a live device, per instance (instance_id = the instance's bus id; rows of an
-- instance whose bus connection is gone are ignored), and when each user's last device left.
CREATE TABLE "push_presence" (
    "user_id" VARCHAR(255) NOT NULL,
    "instance_id" UUID NOT NULL,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "push_presence_pkey" PRIMARY KEY ("user_id", "instance_id")
);
CREATE INDEX "push_presence_instance" ON "push_presence"("instance_id");
CREATE TABLE "push_last_disconnects" (
    "user_id" VARCHAR(255) NOT NULL,
    "disconnected_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "push_last_disconnects_pkey" PRIMARY KEY ("user_id")
);

-- The VAPID key pair generated once when none is configured (outside production).
CREATE TABLE "push_vapid_keys" (
    "singleton" BOOLEAN NOT NULL DEFAULT true CHECK ("singleton"),
    "public_key" TEXT NOT NULL,
    "private_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "push_vapid_keys_pkey" PRIMARY KEY ("singleton")
);

-- A push job for every subscription of every recipient, in the inserting statement itself.
-- Users without a subscription cost one index probe each.
CREATE FUNCTION "pns_push_enqueue_inserted"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO push_jobs (subscription_id, kind, notification_id, offline, display, due_at)
  SELECT s.id, 'notification', n.id, n.push_policy = 'offline', n.push_display, n.created_at
  FROM inserted n JOIN push_subscriptions s ON s.user_id = n.user_id
  WHERE n.push_policy <> 'never';
  RETURN NULL;
END $$;
CREATE TRIGGER "notifications_push_enqueue" AFTER INSERT ON "notifications"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "pns_push_enqueue_inserted"();

-- Clear everywhere: a delivered notification that became seen, or was deleted, is taken back
-- from every subscription it reached. Its deliveries are forgotten so it is cleared once.
CREATE FUNCTION "pns_push_clear"(p_ids BIGINT[]) RETURNS VOID LANGUAGE sql AS $$
  WITH cleared AS (
    DELETE FROM push_deliveries WHERE notification_id = ANY (p_ids)
    RETURNING notification_id, subscription_id
  )
  INSERT INTO push_jobs (subscription_id, kind, cleared_ids)
  SELECT subscription_id, 'clear', array_agg(notification_id ORDER BY notification_id)
  FROM cleared GROUP BY subscription_id;
$$;
CREATE FUNCTION "pns_push_clear_seen"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pns_push_clear(ARRAY(
    SELECT a.id FROM after_update a JOIN before_update b USING (id)
    WHERE b.seen_at IS NULL AND a.seen_at IS NOT NULL));
  RETURN NULL;
END $$;
CREATE FUNCTION "pns_push_clear_deleted"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pns_push_clear(ARRAY(SELECT id FROM deleted));
  RETURN NULL;
END $$;
CREATE TRIGGER "notifications_push_clear_seen" AFTER UPDATE ON "notifications"
  REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update FOR EACH STATEMENT EXECUTE FUNCTION "pns_push_clear_seen"();
CREATE TRIGGER "notifications_push_clear_deleted" AFTER DELETE ON "notifications"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "pns_push_clear_deleted"();
