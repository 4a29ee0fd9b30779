-- Written by hand: the inbox model (docs/inbox.md). Read, archived, snoozed and expiring
-- notifications, a replace-by-key column, counts per user and per category, and a per-user
-- version with a log of changes, all kept by statement-level triggers.

-- New marks. Nullable without a default: adding them rewrites nothing.
ALTER TABLE "notifications"
  ADD COLUMN "read_at" TIMESTAMPTZ(3),
  ADD COLUMN "archived_at" TIMESTAMPTZ(3),
  ADD COLUMN "updated_at" TIMESTAMPTZ(3),
  ADD COLUMN "expires_at" TIMESTAMPTZ(3),
  ADD COLUMN "snoozed_until" TIMESTAMPTZ(3),
  ADD COLUMN "key" VARCHAR(255);

-- Replace by key: one notification per (user, key). Partial, so keyless rows cost no entry.
CREATE UNIQUE INDEX "notifications_user_key" ON "notifications"("user_id", "key") WHERE "key" IS NOT NULL;

-- The list states that the older indexes do not serve, each in index order. Read, archived
-- and snoozed rows are never inserted as such, so these indexes cost ingest nothing. "unread"
-- and "all" walk notifications_user_newest, skipping the rows that fail them (read, archived):
-- an index of their own would take an entry per new notification, measured at +30% of the
-- insert's database CPU.
CREATE INDEX "notifications_user_read_newest" ON "notifications"("user_id", "created_at" DESC, "id" DESC)
  WHERE "read_at" IS NOT NULL AND "archived_at" IS NULL AND "snoozed_until" IS NULL;
CREATE INDEX "notifications_user_archived_newest" ON "notifications"("user_id", "created_at" DESC, "id" DESC) WHERE "archived_at" IS NOT NULL;
CREATE INDEX "notifications_user_snoozed_newest" ON "notifications"("user_id", "created_at" DESC, "id" DESC) WHERE "snoozed_until" IS NOT NULL;

-- One row per user: the counts over its counted notifications (not archived, not snoozed),
-- its version (the number of changes it ever had) and the highest version whose change the
-- retention job deleted. The row outlives the user's notifications, so versions are never reused.
ALTER TABLE "user_unseen_counts" RENAME TO "user_inboxes";
ALTER TABLE "user_inboxes" RENAME CONSTRAINT "user_unseen_counts_pkey" TO "user_inboxes_pkey";
ALTER TABLE "user_inboxes"
  ADD COLUMN "version" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "unread" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "total" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "pruned_version" BIGINT NOT NULL DEFAULT 0;

CREATE TABLE "user_category_counts" (
    "user_id" VARCHAR(255) NOT NULL,
    "category" VARCHAR(255) NOT NULL,
    "unseen" INTEGER NOT NULL DEFAULT 0,
    "unread" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "user_category_counts_pkey" PRIMARY KEY ("user_id", "category")
);

-- A change: one statement's effect on some of a user's notifications, at most 1000 ids.
CREATE TABLE "inbox_changes" (
    "user_id" VARCHAR(255) NOT NULL,
    "version" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "ids" BIGINT[],

    CONSTRAINT "inbox_changes_pkey" PRIMARY KEY ("user_id", "version")
);
-- Retention finds old changes by age; the log is append-only, so BRIN costs ingest almost nothing.
CREATE INDEX "inbox_changes_at_brin" ON "inbox_changes" USING BRIN ("at");

-- Every existing notification is unread and not archived: today's counts, from the rows.
-- (The ALTER TABLE above holds notifications exclusively: no write races this.)
INSERT INTO "user_inboxes" AS i ("user_id", "unseen", "unread", "total")
SELECT "user_id", count(*) FILTER (WHERE "seen_at" IS NULL), count(*), count(*)
FROM "notifications" GROUP BY "user_id"
ON CONFLICT ("user_id") DO UPDATE SET "unseen" = EXCLUDED."unseen", "unread" = EXCLUDED."unread", "total" = EXCLUDED."total";

INSERT INTO "user_category_counts" ("user_id", "category", "unseen", "unread", "total")
SELECT "user_id", "category", count(*) FILTER (WHERE "seen_at" IS NULL), count(*), count(*)
FROM "notifications" WHERE "category" IS NOT NULL GROUP BY "user_id", "category";

DROP TRIGGER "notifications_count_inserted" ON "notifications";
DROP TRIGGER "notifications_count_updated" ON "notifications";
DROP TRIGGER "notifications_count_deleted" ON "notifications";
DROP FUNCTION "pns_count_inserted"();
DROP FUNCTION "pns_count_updated"();
DROP FUNCTION "pns_count_deleted"();
DROP FUNCTION "pns_apply_unseen_deltas"(TEXT[], INTEGER[]);

-- Applies one statement's effect on the inbox, in that statement's transaction:
--  * count deltas, one element per (row, side): user, category, and -1/0/+1 for unseen,
--    unread and total (the triggers pass what a row counted before as negative, after as positive);
--  * changed notifications, one element each: user, change type, id.
-- Per user, the changes are grouped by type and split into runs of at most 1000 ids, each
-- one change with its own version. The versions come from the same upsert of the user's
-- inbox row that applies the deltas: its row lock, held to commit, orders a user's changes
-- as they commit, so version N is committed before N+1 can be allocated.
-- Users are locked in user order (the upsert's ORDER BY), so statements touching the same
-- users cannot deadlock; a user's category rows are only written by the holder of its inbox row.
CREATE FUNCTION "pns_apply_inbox_changes"(
  p_users TEXT[], p_categories TEXT[], p_unseen INTEGER[], p_unread INTEGER[], p_total INTEGER[],
  p_changed_users TEXT[], p_change_types TEXT[], p_changed_ids BIGINT[]
) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
  WITH category_deltas AS (
    SELECT d.user_id, d.category, sum(d.unseen)::INTEGER AS unseen, sum(d.unread)::INTEGER AS unread, sum(d.total)::INTEGER AS total
    FROM unnest(p_users, p_categories, p_unseen, p_unread, p_total) AS d(user_id, category, unseen, unread, total)
    GROUP BY d.user_id, d.category
    HAVING sum(d.unseen) <> 0 OR sum(d.unread) <> 0 OR sum(d.total) <> 0
  ), runs AS (
    SELECT c.user_id, c.type, array_agg(c.id ORDER BY c.id) AS ids
    FROM (
      SELECT c.*, (row_number() OVER (PARTITION BY c.user_id, c.type ORDER BY c.id) - 1) / 1000 AS run
      FROM unnest(p_changed_users, p_change_types, p_changed_ids) AS c(user_id, type, id)
    ) AS c
    GROUP BY c.user_id, c.type, c.run
  ), numbered_runs AS (
    SELECT r.*, row_number() OVER (PARTITION BY r.user_id ORDER BY r.type, r.ids[1]) AS position, count(*) OVER (PARTITION BY r.user_id) AS runs
    FROM runs AS r
  ), user_deltas AS (
    SELECT user_id, sum(unseen)::INTEGER AS unseen, sum(unread)::INTEGER AS unread, sum(total)::INTEGER AS total, sum(runs)::BIGINT AS runs
    FROM (
      SELECT user_id, unseen, unread, total, 0 AS runs FROM category_deltas
      UNION ALL
      SELECT user_id, 0, 0, 0, count(*) FROM runs GROUP BY user_id
    ) AS u
    GROUP BY user_id
  ), bumped AS (
    INSERT INTO "user_inboxes" AS i ("user_id", "version", "unseen", "unread", "total")
    SELECT user_id, runs, unseen, unread, total FROM user_deltas
    ORDER BY user_id
    ON CONFLICT ("user_id") DO UPDATE SET
      "version" = i."version" + EXCLUDED."version",
      "unseen" = i."unseen" + EXCLUDED."unseen",
      "unread" = i."unread" + EXCLUDED."unread",
      "total" = i."total" + EXCLUDED."total"
    RETURNING i."user_id", i."version"
  )
  INSERT INTO "inbox_changes" ("user_id", "version", "type", "at", "ids")
  SELECT n.user_id, b.version - n.runs + n.position, n.type, now(), n.ids
  FROM numbered_runs AS n JOIN bumped AS b USING (user_id);

  -- After the inbox rows above are locked: see the lock order above.
  INSERT INTO "user_category_counts" AS c ("user_id", "category", "unseen", "unread", "total")
  SELECT d.user_id, d.category, sum(d.unseen), sum(d.unread), sum(d.total)
  FROM unnest(p_users, p_categories, p_unseen, p_unread, p_total) AS d(user_id, category, unseen, unread, total)
  WHERE d.category IS NOT NULL
  GROUP BY d.user_id, d.category
  HAVING sum(d.unseen) <> 0 OR sum(d.unread) <> 0 OR sum(d.total) <> 0
  ORDER BY d.user_id, d.category
  ON CONFLICT ("user_id", "category") DO UPDATE SET
    "unseen" = c."unseen" + EXCLUDED."unseen",
    "unread" = c."unread" + EXCLUDED."unread",
    "total" = c."total" + EXCLUDED."total";
END;
$$;

-- A notification counts (in total, and in unseen/unread while not seen/read) while it is neither
-- archived nor snoozed. Every notification inserted is one "created" change of its user, so
-- the insert trigger, on the ingest path, skips pns_apply_inbox_changes' generality: the same
-- upserts, straight from the inserted rows (measured in docs/performance.md: 2/3 of the
-- general function's cost).
CREATE FUNCTION "pns_inbox_inserted"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  WITH per_user AS (
    SELECT user_id, count(*) AS inserted,
      count(*) FILTER (WHERE archived_at IS NULL AND snoozed_until IS NULL AND seen_at IS NULL)::INTEGER AS unseen,
      count(*) FILTER (WHERE archived_at IS NULL AND snoozed_until IS NULL AND read_at IS NULL)::INTEGER AS unread,
      count(*) FILTER (WHERE archived_at IS NULL AND snoozed_until IS NULL)::INTEGER AS total,
      array_agg(id ORDER BY id) AS ids
    FROM inserted GROUP BY user_id
  ), bumped AS (
    -- One version per run of at most 1000 ids.
    INSERT INTO "user_inboxes" AS i ("user_id", "version", "unseen", "unread", "total")
    SELECT user_id, (inserted + 999) / 1000, unseen, unread, total FROM per_user
    ORDER BY user_id
    ON CONFLICT ("user_id") DO UPDATE SET
      "version" = i."version" + EXCLUDED."version",
      "unseen" = i."unseen" + EXCLUDED."unseen",
      "unread" = i."unread" + EXCLUDED."unread",
      "total" = i."total" + EXCLUDED."total"
    RETURNING i."user_id", i."version"
  )
  INSERT INTO "inbox_changes" ("user_id", "version", "type", "at", "ids")
  SELECT p.user_id, b.version - (p.inserted + 999) / 1000 + 1 + r.run, 'created', now(), p.ids[r.run * 1000 + 1 : r.run * 1000 + 1000]
  FROM per_user AS p JOIN bumped AS b USING (user_id)
  CROSS JOIN LATERAL generate_series(0, (p.inserted - 1) / 1000) AS r(run);

  INSERT INTO "user_category_counts" AS c ("user_id", "category", "unseen", "unread", "total")
  SELECT user_id, category,
    count(*) FILTER (WHERE archived_at IS NULL AND snoozed_until IS NULL AND seen_at IS NULL)::INTEGER,
    count(*) FILTER (WHERE archived_at IS NULL AND snoozed_until IS NULL AND read_at IS NULL)::INTEGER,
    count(*) FILTER (WHERE archived_at IS NULL AND snoozed_until IS NULL)::INTEGER
  FROM inserted WHERE category IS NOT NULL
  GROUP BY user_id, category
  ORDER BY user_id, category
  ON CONFLICT ("user_id", "category") DO UPDATE SET
    "unseen" = c."unseen" + EXCLUDED."unseen",
    "unread" = c."unread" + EXCLUDED."unread",
    "total" = c."total" + EXCLUDED."total";
  RETURN NULL;
END;
$$;

-- An update's rows are paired by (id, user_id): a row moved to another user by hand is a
-- deletion for the one and a creation for the other. A pair's change is the first transition
-- that applies, in the order below. A replace by key (updated_at moves) also resets marks:
-- that is one "updated" change, whose item carries the new marks. Rows whose update changed
-- nothing a client sees (the same values written again) make no change and no delta.
CREATE FUNCTION "pns_inbox_updated"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "pns_apply_inbox_changes"(d.users, d.categories, d.unseen, d.unread, d.total, d.changed_users, d.types, d.ids)
  FROM (
    WITH pairs AS MATERIALIZED (
      SELECT coalesce(n.id, o.id) AS id, o.user_id AS old_user, n.user_id AS new_user, o.category AS old_category, n.category AS new_category,
        (o.id IS NOT NULL AND o.archived_at IS NULL AND o.snoozed_until IS NULL) AS old_counted,
        (n.id IS NOT NULL AND n.archived_at IS NULL AND n.snoozed_until IS NULL) AS new_counted,
        o.seen_at IS NULL AS old_unseen, n.seen_at IS NULL AS new_unseen, o.read_at IS NULL AS old_unread, n.read_at IS NULL AS new_unread,
        CASE
          WHEN o.id IS NULL THEN 'created'
          WHEN n.id IS NULL THEN 'deleted'
          WHEN o.updated_at IS DISTINCT FROM n.updated_at THEN 'updated'
          WHEN o.archived_at IS NULL AND n.archived_at IS NOT NULL THEN 'archived'
          WHEN o.archived_at IS NOT NULL AND n.archived_at IS NULL THEN 'unarchived'
          WHEN o.snoozed_until IS NULL AND n.snoozed_until IS NOT NULL THEN 'snoozed'
          WHEN o.snoozed_until IS NOT NULL AND n.snoozed_until IS NULL THEN 'unsnoozed'
          WHEN o.read_at IS NULL AND n.read_at IS NOT NULL THEN 'read'
          WHEN o.read_at IS NOT NULL AND n.read_at IS NULL THEN 'unread'
          WHEN o.seen_at IS NULL AND n.seen_at IS NOT NULL THEN 'seen'
          -- Anything else a client sees or counts, changed by hand: its new state, as an update.
          WHEN o.seen_at IS NOT NULL AND n.seen_at IS NULL
            OR o.category IS DISTINCT FROM n.category
            OR o.expires_at IS DISTINCT FROM n.expires_at
            OR o.key IS DISTINCT FROM n.key
            OR o.data IS DISTINCT FROM n.data THEN 'updated'
        END AS type
      FROM before_update AS o FULL JOIN after_update AS n ON n.id = o.id AND n.user_id = o.user_id
    ), changed AS (
      SELECT * FROM pairs WHERE type IS NOT NULL
    )
    SELECT
      (SELECT array_agg(coalesce(new_user, old_user)) FROM changed) AS changed_users,
      (SELECT array_agg(type) FROM changed) AS types,
      (SELECT array_agg(id) FROM changed) AS ids,
      array_agg(s.user_id) AS users, array_agg(s.category) AS categories,
      array_agg(s.unseen) AS unseen, array_agg(s.unread) AS unread, array_agg(s.total) AS total
    FROM changed
    -- What each changed row counted before, taken away, and what it counts now, added.
    CROSS JOIN LATERAL (VALUES
      (old_user, old_category, -(old_counted AND old_unseen)::INTEGER, -(old_counted AND old_unread)::INTEGER, -old_counted::INTEGER),
      (new_user, new_category, (new_counted AND new_unseen)::INTEGER, (new_counted AND new_unread)::INTEGER, new_counted::INTEGER)
    ) AS s(user_id, category, unseen, unread, total)
    WHERE s.user_id IS NOT NULL
  ) AS d;
  RETURN NULL;
END;
$$;

CREATE FUNCTION "pns_inbox_deleted"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "pns_apply_inbox_changes"(
    array_agg(o.user_id), array_agg(o.category),
    array_agg(-(o.archived_at IS NULL AND o.snoozed_until IS NULL AND o.seen_at IS NULL)::INTEGER),
    array_agg(-(o.archived_at IS NULL AND o.snoozed_until IS NULL AND o.read_at IS NULL)::INTEGER),
    array_agg(-(o.archived_at IS NULL AND o.snoozed_until IS NULL)::INTEGER),
    -- An expiry job and a retention pass alike delete what has expired: the change says why it went.
    array_agg(o.user_id), array_agg(CASE WHEN o.expires_at <= now() THEN 'expired' ELSE 'deleted' END), array_agg(o.id))
  FROM deleted AS o;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "notifications_inbox_inserted" AFTER INSERT ON "notifications"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "pns_inbox_inserted"();
CREATE TRIGGER "notifications_inbox_updated" AFTER UPDATE ON "notifications"
  REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update FOR EACH STATEMENT EXECUTE FUNCTION "pns_inbox_updated"();
CREATE TRIGGER "notifications_inbox_deleted" AFTER DELETE ON "notifications"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "pns_inbox_deleted"();
