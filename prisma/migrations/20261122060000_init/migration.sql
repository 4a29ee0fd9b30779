-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "notifications" (
    "id" BIGSERIAL NOT NULL,
    "user_id" VARCHAR(255) NOT NULL,
    "data" JSONB NOT NULL,
    "category" VARCHAR(255),
    "idempotency_key" VARCHAR(255),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seen_at" TIMESTAMPTZ(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_unseen_counts" (
    "user_id" VARCHAR(255) NOT NULL,
    "unseen" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "user_unseen_counts_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "connection_tickets" (
    "id_hash" CHAR(64) NOT NULL,
    "user_id" VARCHAR(255) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connection_tickets_pkey" PRIMARY KEY ("id_hash")
);

-- CreateIndex
CREATE INDEX "notifications_user_newest" ON "notifications"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "notifications_user_idempotency_key" ON "notifications"("user_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "connection_tickets_expiry" ON "connection_tickets"("expires_at");


-- Written by hand: what schema.prisma cannot express.

-- A device's two queries, each served in index order without touching the other state's rows.
CREATE INDEX "notifications_user_unseen_newest" ON "notifications"("user_id", "created_at" DESC, "id" DESC) WHERE "seen_at" IS NULL;
CREATE INDEX "notifications_user_seen_newest" ON "notifications"("user_id", "created_at" DESC, "id" DESC) WHERE "seen_at" IS NOT NULL;

-- Retention: seen rows by when they were seen; unseen rows by age. The table is append-mostly,
-- so a BRIN index on created_at finds old rows for almost no cost on insert.
CREATE INDEX "notifications_seen_at" ON "notifications"("seen_at") WHERE "seen_at" IS NOT NULL;
CREATE INDEX "notifications_created_at_brin" ON "notifications" USING BRIN ("created_at");

-- The unseen count per user is kept by statement-level triggers, so that reading it is one
-- primary-key lookup however long a user's history is, and so that no write path (the API,
-- the retention job, SQL typed by hand) can leave it wrong. Announcing the change to other
-- instances is the application's job, after commit: a NOTIFY inside these transactions would
-- hold PostgreSQL's global notify lock through every commit's WAL flush and serialize ingest.
CREATE FUNCTION "pns_apply_unseen_deltas"(p_user_ids TEXT[], p_deltas INTEGER[]) RETURNS VOID
LANGUAGE sql AS $$
  INSERT INTO "user_unseen_counts" AS c ("user_id", "unseen")
  SELECT d.user_id, d.delta
  FROM unnest(p_user_ids, p_deltas) AS d(user_id, delta)
  WHERE d.delta <> 0
  -- A fixed lock order, so that two batches touching the same users cannot deadlock.
  ORDER BY d.user_id
  ON CONFLICT ("user_id") DO UPDATE SET "unseen" = c."unseen" + EXCLUDED."unseen";
$$;

CREATE FUNCTION "pns_count_inserted"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "pns_apply_unseen_deltas"(array_agg(user_id), array_agg(delta))
  FROM (SELECT user_id, count(*)::INTEGER AS delta FROM inserted WHERE seen_at IS NULL GROUP BY user_id) AS d;
  RETURN NULL;
END;
$$;

CREATE FUNCTION "pns_count_updated"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "pns_apply_unseen_deltas"(array_agg(user_id), array_agg(delta))
  FROM (
    SELECT user_id, sum(delta)::INTEGER AS delta FROM (
      SELECT user_id, 1 AS delta FROM after_update WHERE seen_at IS NULL
      UNION ALL
      SELECT user_id, -1 AS delta FROM before_update WHERE seen_at IS NULL
    ) AS changes
    GROUP BY user_id
  ) AS d;
  RETURN NULL;
END;
$$;

CREATE FUNCTION "pns_count_deleted"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "pns_apply_unseen_deltas"(array_agg(user_id), array_agg(delta))
  FROM (SELECT user_id, -count(*)::INTEGER AS delta FROM deleted WHERE seen_at IS NULL GROUP BY user_id) AS d;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "notifications_count_inserted" AFTER INSERT ON "notifications"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "pns_count_inserted"();
CREATE TRIGGER "notifications_count_updated" AFTER UPDATE ON "notifications"
  REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update FOR EACH STATEMENT EXECUTE FUNCTION "pns_count_updated"();
CREATE TRIGGER "notifications_count_deleted" AFTER DELETE ON "notifications"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "pns_count_deleted"();
