-- Outgoing events and statistics on the inbox model (docs/events.md): needs inbox_changes and
-- the read mark, from the inbox model's migration.

-- Notification events enter the outbox from the change log, in the transaction of the change:
-- every write path that changes an inbox (the API, jobs, SQL by hand) writes its changes
-- there, so none can change an inbox without its events.
CREATE FUNCTION "pns_enqueue_inbox_events"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  -- Without hooks, the usual case, a change costs one probe of an empty table.
  IF NOT EXISTS (SELECT 1 FROM "event_hooks") THEN
    RETURN NULL;
  END IF;
  INSERT INTO "event_deliveries" ("hook_id", "type", "payload")
  SELECT h.id, 'notification.' || c.type,
    jsonb_build_object(
      'type', 'notification.' || c.type,
      'timestamp', to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'data', jsonb_build_object('userId', c.user_id, 'ids', to_jsonb(c.ids::TEXT[]), 'version', c.version))
  FROM added AS c
  JOIN "event_hooks" AS h ON 'notification.' || c.type = ANY (h.events)
  -- Unread, unarchived, snoozed and unsnoozed are not events; no hook can subscribe to them.
  WHERE c.type IN ('created', 'updated', 'seen', 'read', 'archived', 'deleted', 'expired')
  -- Delivery ids (webhook-id) follow the users' versions.
  ORDER BY c.user_id, c.version, h.id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "inbox_changes_events" AFTER INSERT ON "inbox_changes"
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "pns_enqueue_inbox_events"();

-- The statistics now count reads too: a notification that became read in a statement.
CREATE OR REPLACE FUNCTION "pns_stats_updated"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  WITH transitions AS (
    SELECT a.user_id, coalesce(a.category, '') AS category, a.created_at, a.seen_at, a.read_at,
           b.seen_at IS NULL AND a.seen_at IS NOT NULL AS became_seen,
           b.read_at IS NULL AND a.read_at IS NOT NULL AS became_read
    FROM after_update a JOIN before_update b ON a.id = b.id
  ), became_seen AS (
    SELECT * FROM transitions WHERE became_seen
  ), hourly AS (
    INSERT INTO "stats_hourly" AS s ("hour", "category", "shard", "seen", "read")
    SELECT t.hour, t.category, pg_backend_pid() % 8, sum(t.seen), sum(t.read)
    FROM (
      SELECT date_trunc('hour', seen_at, 'UTC') AS hour, category, 1 AS seen, 0 AS read FROM transitions WHERE became_seen
      UNION ALL
      SELECT date_trunc('hour', read_at, 'UTC'), category, 0, 1 FROM transitions WHERE became_read
    ) AS t
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("hour", "category", "shard") DO UPDATE SET "seen" = s."seen" + EXCLUDED."seen", "read" = s."read" + EXCLUDED."read"
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

-- The delivery log is pruned of settled deliveries by age (EventDeliveryWorker); this finds
-- them oldest first without reading the pending ones.
CREATE INDEX "event_deliveries_settled" ON "event_deliveries"("created_at") WHERE "status" <> 'pending';
