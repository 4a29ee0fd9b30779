-- Statistics (docs/events.md#statistics) from rollups kept by statement-level triggers on
-- notifications, so that the stats routes read a few hundred small rows however many
-- notifications there are, and no write path can leave the numbers wrong.

-- Events per UTC hour and category ('' for none). Every ingest adds to the row of its hour and
-- category; a single row would make concurrent ingests queue on its lock until each commits,
-- so each database connection adds to one of 8 shards (by backend pid) and readers sum them.
CREATE TABLE "stats_hourly" (
    "hour" TIMESTAMPTZ NOT NULL,
    "category" VARCHAR(255) NOT NULL,
    "shard" SMALLINT NOT NULL,
    "created" BIGINT NOT NULL DEFAULT 0,
    "seen" BIGINT NOT NULL DEFAULT 0,
    "read" BIGINT NOT NULL DEFAULT 0,
    "push_sent" BIGINT NOT NULL DEFAULT 0,
    "push_failed" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "stats_hourly_pkey" PRIMARY KEY ("hour", "category", "shard")
);
CREATE INDEX "stats_hourly_category" ON "stats_hourly"("category", "hour");

-- A histogram of the seconds from creation to seen, per UTC hour of seeing and category, for
-- the median. Seconds are exact below 10 and rounded to the nearest of 12 round values a
-- decade above (…, 30, 35, 40, 50, 60, 70, 80, 100, 120, 150, …): within 12% of the truth,
-- and about 60 buckets an hour and category for delays from a second to a day, so a month's
-- median reads a bounded number of rows however many notifications were seen.
CREATE TABLE "stats_seen_delays" (
    "hour" TIMESTAMPTZ NOT NULL,
    "category" VARCHAR(255) NOT NULL,
    "seconds" INTEGER NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "stats_seen_delays_pkey" PRIMARY KEY ("hour", "category", "seconds")
);
CREATE INDEX "stats_seen_delays_category" ON "stats_seen_delays"("category", "hour");

-- When each user last saw a notification: one row per user, so the per-user stats never
-- search the user's history for it.
CREATE TABLE "user_last_seen" (
    "user_id" VARCHAR(255) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_last_seen_pkey" PRIMARY KEY ("user_id")
);

CREATE FUNCTION "pns_seen_delay_bucket"(p_seconds DOUBLE PRECISION) RETURNS INTEGER
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_seconds < 10 THEN greatest(floor(p_seconds), 0)::INTEGER
    ELSE (
      -- The round value of the delay's decade (or the next decade's first) nearest on a log
      -- scale. Capped at 9e8 s (28 years) so the bucket fits an INTEGER.
      SELECT (m * 10 ^ d.decade)::INTEGER
      FROM (SELECT least(p_seconds, 9e8) AS seconds, floor(log(least(p_seconds, 9e8)))::INTEGER AS decade) AS d,
           unnest(ARRAY[1, 1.2, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 10]::DOUBLE PRECISION[]) AS m
      ORDER BY abs(ln(d.seconds) - ln(m * 10 ^ d.decade))
      LIMIT 1
    )
  END;
$$;

CREATE FUNCTION "pns_stats_inserted"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "stats_hourly" AS s ("hour", "category", "shard", "created")
  SELECT date_trunc('hour', created_at, 'UTC'), coalesce(category, ''), pg_backend_pid() % 8, count(*)
  FROM inserted
  GROUP BY 1, 2
  -- A fixed lock order, so that two statements adding to the same rows cannot deadlock.
  ORDER BY 1, 2
  ON CONFLICT ("hour", "category", "shard") DO UPDATE SET "created" = s."created" + EXCLUDED."created";
  RETURN NULL;
END;
$$;

CREATE FUNCTION "pns_stats_updated"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  WITH became_seen AS (
    SELECT a.user_id, coalesce(a.category, '') AS category, a.created_at, a.seen_at
    FROM after_update a JOIN before_update b ON a.id = b.id
    WHERE b.seen_at IS NULL AND a.seen_at IS NOT NULL
  ), hourly AS (
    INSERT INTO "stats_hourly" AS s ("hour", "category", "shard", "seen")
    SELECT date_trunc('hour', seen_at, 'UTC'), category, pg_backend_pid() % 8, count(*)
    FROM became_seen GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("hour", "category", "shard") DO UPDATE SET "seen" = s."seen" + EXCLUDED."seen"
  ), delays AS (
    INSERT INTO "stats_seen_delays" AS d ("hour", "category", "seconds", "count")
    SELECT date_trunc('hour', seen_at, 'UTC'), category, pns_seen_delay_bucket(extract(epoch FROM seen_at - created_at)::DOUBLE PRECISION), count(*)
    FROM became_seen GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT ("hour", "category", "seconds") DO UPDATE SET "count" = d."count" + EXCLUDED."count"
  )
  INSERT INTO "user_last_seen" AS u ("user_id", "last_seen_at")
  SELECT user_id, max(seen_at) FROM became_seen GROUP BY 1 ORDER BY 1
  ON CONFLICT ("user_id") DO UPDATE SET "last_seen_at" = greatest(u."last_seen_at", EXCLUDED."last_seen_at");
  RETURN NULL;
END;
$$;

CREATE TRIGGER "notifications_stats_inserted" AFTER INSERT ON "notifications"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "pns_stats_inserted"();
CREATE TRIGGER "notifications_stats_updated" AFTER UPDATE ON "notifications"
  REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update FOR EACH STATEMENT EXECUTE FUNCTION "pns_stats_updated"();
