/**
 * The statement that stores every notification (NotificationsRepository.insertAll), in a module
 * of its own, without imports, so that the benchmark can EXPLAIN this very text.
 * $1..$3: per request, its data as JSON text, category and idempotency key; $4, $5: per
 * recipient, its user and the (1-based) request it belongs to; $6, $7: per request, its push
 * policy and display (JSON text), which the push triggers read (docs/push.md).
 */
export const INSERT_NOTIFICATIONS = `
  WITH requests AS MATERIALIZED (
    SELECT r.request, r.data::jsonb AS data, r.category, r.idempotency_key, r.push_policy, r.push_display::jsonb AS push_display
    FROM unnest($1::text[], $2::text[], $3::text[], $6::text[], $7::text[]) WITH ORDINALITY AS r(data, category, idempotency_key, push_policy, push_display, request)
  ), recipients AS MATERIALIZED (
    SELECT nextval('notifications_id_seq') AS id, x.user_id, x.request
    FROM unnest($4::text[], $5::bigint[]) AS x(user_id, request)
  ), inserted AS (
    INSERT INTO notifications (id, user_id, data, category, idempotency_key, push_policy, push_display)
    SELECT recipients.id, recipients.user_id, requests.data, requests.category, requests.idempotency_key, requests.push_policy, requests.push_display
    FROM recipients JOIN requests USING (request)
    ORDER BY recipients.user_id
    ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id, user_id, created_at
  )
  SELECT inserted.id, inserted.user_id, inserted.created_at, recipients.request
  FROM inserted JOIN recipients USING (id)`;
