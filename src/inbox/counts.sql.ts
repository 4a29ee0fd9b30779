/**
 * Each user's counts (InboxRepository.counts), in a module of its own, without imports, so that
 * the benchmark and the plan spec can EXPLAIN this very text. $1: the users.
 * One statement, one snapshot: the categories match the top level and the version. A
 * primary-key lookup and a range scan of the user's category rows: O(1) in the user's history.
 */
export const INBOX_COUNTS = `
  SELECT u.user_id, coalesce(i.version, 0) AS version, coalesce(i.unseen, 0) AS unseen,
    coalesce(i.unread, 0) AS unread, coalesce(i.total, 0) AS total,
    (SELECT coalesce(json_object_agg(c.category, json_build_object('unseen', c.unseen, 'unread', c.unread, 'total', c.total) ORDER BY c.category), '{}')
     FROM user_category_counts AS c WHERE c.user_id = u.user_id AND c.total > 0) AS categories
  FROM unnest($1::text[]) AS u(user_id) LEFT JOIN user_inboxes AS i USING (user_id)`;
