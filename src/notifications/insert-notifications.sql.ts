/**
 * The statements that store every notification (NotificationsRepository.insertAll), in a module
 * of its own, without imports, so that the benchmark can EXPLAIN this very text.
 * $1..$3: per request, its data as JSON text, category and idempotency key; $4, $5: per
 * recipient, its user and the (1-based) request it belongs to; $6, $7: per request, its push
 * policy and display (JSON text), which the push triggers read (docs/push.md); $8: per request,
 * its expiry; $9: per request, whether its recipients' inbox preferences apply (POST
 * /api/notifications). INSERT_OR_REPLACE_NOTIFICATIONS also takes $10, $11: per request, its
 * replace-by-key key and whether a replacement is unseen and unread again.
 * Both answer a row per stored notification and one per recipient suppressed (no id).
 */

const REQUESTS_AND_RECIPIENTS = (keyed: boolean) => `
  WITH requests AS MATERIALIZED (
    SELECT r.request, r.data::jsonb AS data, r.category, r.idempotency_key, r.push_policy, r.push_display::jsonb AS push_display,
      r.expires_at${keyed ? ', r.key, r.renotify' : ''}
    FROM unnest($1::text[], $2::text[], $3::text[], $6::text[], $7::text[], $8::timestamptz[]${keyed ? ', $10::text[], $11::boolean[]' : ''})
      WITH ORDINALITY AS r(data, category, idempotency_key, push_policy, push_display, expires_at${keyed ? ', key, renotify' : ''}, request)
  ), addressees AS MATERIALIZED (
    -- The recipients' arrays reach unnest through this row, not as parameters, so that the
    -- planner estimates their length alike with and without their values (docs/performance.md
    -- section 8): from the values it counted one recipient against the generic plan's ten, found
    -- the generic plan dearer by nine preference probes, and planned the statement anew at every
    -- execution, about 200 µs of backend CPU a single-recipient insert.
    SELECT $4::text[] AS user_ids, $5::bigint[] AS requests
  ), addressed AS MATERIALIZED (
    -- The inbox switch of the user's preferences (docs/events.md#preferences), here rather than
    -- read before the insert, whose extra round trip cost a fifth of single ingest
    -- (docs/performance.md): the category's own switch, else the user's default, else on (a
    -- user who never set preferences). Push applies the same rule to its switch (pushAllowed in
    -- src/preferences/preferences.ts). The arrays are indexed rather than joined, so recipients
    -- keep their order, and requests that ignore preferences never probe them.
    SELECT x.user_id, x.request, NOT ($9::boolean[])[x.request::int] OR coalesce((
        SELECT coalesce((p.preferences -> 'categories' -> ($2::text[])[x.request::int] ->> 'inbox')::boolean, (p.preferences -> 'default' ->> 'inbox')::boolean)
        FROM user_preferences AS p WHERE p.user_id = x.user_id), true) AS to_inbox
    FROM addressees, unnest(addressees.user_ids, addressees.requests) AS x(user_id, request)
  ), recipients AS MATERIALIZED (
    SELECT nextval('notifications_id_seq') AS id, user_id, request FROM addressed WHERE to_inbox
  )`;

const SUPPRESSED = `
  SELECT NULL::bigint, user_id, NULL::timestamptz, request, false, true FROM addressed WHERE NOT to_inbox`;

const INSERTED = (keyed: boolean) => `
  inserted AS (
    INSERT INTO notifications (id, user_id, data, category, idempotency_key, push_policy, push_display, expires_at)
    SELECT recipients.id, recipients.user_id, requests.data, requests.category, requests.idempotency_key, requests.push_policy, requests.push_display, requests.expires_at
    FROM recipients JOIN requests USING (request)
    ${keyed ? 'WHERE requests.key IS NULL' : ''}
    ORDER BY recipients.user_id
    ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id, user_id, created_at
  )`;

/** Requests without a key (almost all): inserted, a retry of an idempotency key skipped. */
export const INSERT_NOTIFICATIONS = `
  ${REQUESTS_AND_RECIPIENTS(false)}, ${INSERTED(false)}
  SELECT inserted.id, inserted.user_id, inserted.created_at, recipients.request, false AS replaced, false AS suppressed
  FROM inserted JOIN recipients USING (id)
  UNION ALL ${SUPPRESSED}`;

/**
 * A batch with keyed requests: the keyless ones as above, and the keyed ones replacing the
 * user's notification with that key (docs/lifecycle.md#replace-by-key). One INSERT ... ON
 * CONFLICT arbitrates on one unique index only, hence two inserts in one statement (one
 * commit; the triggers still fire once for it). Its own statement, since the second insert
 * fires the UPDATE triggers too, which keyless batches need not pay for. A (user, key) appears
 * at most once per statement (the repository splits the others off): ON CONFLICT DO UPDATE
 * cannot touch a row twice.
 */
export const INSERT_OR_REPLACE_NOTIFICATIONS = `
  ${REQUESTS_AND_RECIPIENTS(true)}, ${INSERTED(true)}, replaced AS (
    INSERT INTO notifications AS n (id, user_id, data, category, idempotency_key, push_policy, push_display, expires_at, key)
    SELECT recipients.id, recipients.user_id, requests.data, requests.category, requests.idempotency_key, requests.push_policy, requests.push_display,
      requests.expires_at, requests.key
    FROM recipients JOIN requests USING (request)
    WHERE requests.key IS NOT NULL
      -- A retry of an idempotency key is answered with what it made, not replaced again (this
      -- insert arbitrates on the key, so the idempotency key is checked here).
      AND NOT EXISTS (SELECT 1 FROM notifications AS e WHERE e.user_id = recipients.user_id AND e.idempotency_key = requests.idempotency_key)
    ORDER BY recipients.user_id
    -- Waits for a racing insert of the same key to commit, then replaces what it stored: of
    -- concurrent posts with one new key, one inserts and the others replace.
    -- The idempotency key stays the one it was created with: a late retry of that first post
    -- must not bring its data back over a later replacement.
    ON CONFLICT (user_id, key) WHERE key IS NOT NULL DO UPDATE SET
      data = EXCLUDED.data,
      category = EXCLUDED.category,
      push_policy = EXCLUDED.push_policy,
      push_display = EXCLUDED.push_display,
      expires_at = EXCLUDED.expires_at,
      updated_at = now(),
      -- Renotify (the default): news again, back in the inbox, unseen and unread. EXCLUDED.id
      -- is the recipient's drawn id, which names its request.
      (seen_at, read_at, archived_at, snoozed_until) = (
        SELECT CASE WHEN q.renotify THEN NULL ELSE n.seen_at END, CASE WHEN q.renotify THEN NULL ELSE n.read_at END,
          CASE WHEN q.renotify THEN NULL ELSE n.archived_at END, CASE WHEN q.renotify THEN NULL ELSE n.snoozed_until END
        FROM recipients AS r JOIN requests AS q USING (request) WHERE r.id = EXCLUDED.id)
    -- xmax is 0 for a row this statement inserted, our transaction's id for one it updated.
    RETURNING n.id, n.user_id, n.created_at, n.key, n.xmax <> 0 AS was_replaced
  )
  SELECT inserted.id, inserted.user_id, inserted.created_at, recipients.request, false AS replaced, false AS suppressed
  FROM inserted JOIN recipients USING (id)
  UNION ALL
  SELECT replaced.id, replaced.user_id, replaced.created_at, recipients.request, replaced.was_replaced, false
  FROM replaced JOIN recipients USING (user_id) JOIN requests ON requests.request = recipients.request AND requests.key = replaced.key
  UNION ALL ${SUPPRESSED}`;
