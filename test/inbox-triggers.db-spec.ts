import pg from 'pg';
import { createTestDatabase } from './support/database';
import { newUser } from './support/factories';

/*
 * The triggers on "notifications" (the inbox migration) against what they summarize: after any
 * mix of concurrent writes, the counts equal COUNT(*) over the rows and a user's changes carry
 * the versions 1..N, each once.
 */
describe('inbox triggers on a real database', () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await createTestDatabase(), max: 8 });
  });
  afterAll(() => pool.end());

  const insert = async (userId: string, count = 1, category: string | null = null): Promise<string[]> => {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO notifications (user_id, data, category) SELECT $1, '{}', $3 FROM generate_series(1, $2::int) RETURNING id`,
      [userId, count, category],
    );
    return rows.map((row) => row.id);
  };

  const changes = async (userId: string) =>
    (
      await pool.query<{ version: string; type: string; ids: string[] }>('SELECT version, type, ids FROM inbox_changes WHERE user_id = $1 ORDER BY version', [userId])
    ).rows.map((row) => ({ version: Number(row.version), type: row.type, ids: row.ids.map(String) }));

  const inbox = async (userId: string) =>
    (await pool.query<{ version: string; unseen: number; unread: number; total: number }>('SELECT version, unseen, unread, total FROM user_inboxes WHERE user_id = $1', [userId])).rows[0];

  /** The counts recomputed from the rows, top-level and per category, beside the stored ones. */
  const countsAgainstRows = async (userId: string) => {
    const counted = `archived_at IS NULL AND snoozed_until IS NULL`;
    const recount = `count(*) FILTER (WHERE ${counted} AND seen_at IS NULL)::int AS unseen, count(*) FILTER (WHERE ${counted} AND read_at IS NULL)::int AS unread, count(*) FILTER (WHERE ${counted})::int AS total`;
    const [stored, actual, storedCategories, actualCategories] = await Promise.all([
      pool.query('SELECT unseen, unread, total FROM user_inboxes WHERE user_id = $1', [userId]),
      pool.query(`SELECT ${recount} FROM notifications WHERE user_id = $1`, [userId]),
      pool.query('SELECT category, unseen, unread, total FROM user_category_counts WHERE user_id = $1 AND total > 0 ORDER BY category', [userId]),
      pool.query(`SELECT category, ${recount} FROM notifications WHERE user_id = $1 AND category IS NOT NULL GROUP BY category HAVING count(*) FILTER (WHERE ${counted}) > 0 ORDER BY category`, [userId]),
    ]);
    return { stored: { top: stored.rows[0], categories: storedCategories.rows }, actual: { top: actual.rows[0], categories: actualCategories.rows } };
  };

  it('counts a creation as one "created" change per user, split into changes of at most 1000 ids', async () => {
    const [a, b] = [newUser(), newUser()];
    await pool.query(`INSERT INTO notifications (user_id, data, category) SELECT CASE WHEN g <= 2500 THEN $1 ELSE $2 END, '{}', 'orders' FROM generate_series(1, 2501) g`, [a, b]);
    expect((await changes(a)).map(({ version, type, ids }) => [version, type, ids.length])).toEqual([
      [1, 'created', 1000],
      [2, 'created', 1000],
      [3, 'created', 500],
    ]);
    expect((await changes(b)).map(({ version, type, ids }) => [version, type, ids.length])).toEqual([[1, 'created', 1]]);
    expect(await inbox(a)).toEqual({ version: '3', unseen: 2500, unread: 2500, total: 2500 });
    const { stored, actual } = await countsAgainstRows(a);
    expect(stored).toEqual(actual);
    expect(stored.categories).toEqual([{ category: 'orders', unseen: 2500, unread: 2500, total: 2500 }]);
  });

  it('names each update by its first transition, and makes no change when nothing a client sees changed', async () => {
    const userId = newUser();
    const [id] = await insert(userId, 1, 'news');
    const steps: [string, string | undefined][] = [
      ['SET data = data', undefined],
      ['SET seen_at = now()', 'seen'],
      ['SET read_at = now()', 'read'],
      ['SET read_at = NULL', 'unread'],
      ['SET archived_at = now()', 'archived'],
      ['SET archived_at = NULL', 'unarchived'],
      ['SET snoozed_until = now() + interval \'1 hour\'', 'snoozed'],
      ['SET snoozed_until = NULL, seen_at = NULL, read_at = NULL', 'unsnoozed'],
      ['SET updated_at = now(), seen_at = NULL, data = \'{"v": 2}\'', 'updated'],
      ['SET category = \'other\'', 'updated'],
    ];
    let expected = [{ version: 1, type: 'created', ids: [id] }];
    for (const [set, type] of steps) {
      await pool.query(`UPDATE notifications ${set} WHERE id = $1`, [id]);
      if (type) expected = [...expected, { version: expected.length + 1, type, ids: [id] }];
      expect(await changes(userId)).toEqual(expected);
      const { stored, actual } = await countsAgainstRows(userId);
      expect(stored).toEqual(actual);
    }
  });

  it('tells an expired deletion from a plain one', async () => {
    const userId = newUser();
    const [expired, kept] = await insert(userId, 2);
    await pool.query(`UPDATE notifications SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired]);
    await pool.query('DELETE FROM notifications WHERE user_id = $1', [userId]);
    expect((await changes(userId)).slice(2)).toEqual([
      { version: 3, type: 'deleted', ids: [kept] },
      { version: 4, type: 'expired', ids: [expired] },
    ]);
  });

  it('keeps the version when every notification of the user is gone, and goes on from it', async () => {
    const userId = newUser();
    await insert(userId, 3, 'a');
    await pool.query('DELETE FROM notifications WHERE user_id = $1', [userId]);
    expect(await inbox(userId)).toEqual({ version: '2', unseen: 0, unread: 0, total: 0 });
    const [id] = await insert(userId);
    expect((await changes(userId)).at(-1)).toEqual({ version: 3, type: 'created', ids: [id] });
  });

  it('moves a notification given to another user by hand as a deletion and a creation', async () => {
    const [from, to] = [newUser(), newUser()];
    const [id] = await insert(from, 1, 'a');
    await pool.query('UPDATE notifications SET user_id = $2 WHERE id = $1', [id, to]);
    expect((await changes(from)).at(-1)).toEqual({ version: 2, type: 'deleted', ids: [id] });
    expect(await changes(to)).toEqual([{ version: 1, type: 'created', ids: [id] }]);
    for (const userId of [from, to]) {
      const { stored, actual } = await countsAgainstRows(userId);
      expect(stored).toEqual(actual);
    }
  });

  it('stays exact under 4 concurrent writers on one user: counts equal COUNT(*), versions run 1..N', async () => {
    const userId = newUser();
    const categories = ['a', 'b', null];
    const until = Date.now() + 4_000;
    const someIds = async (where: string) =>
      (await pool.query<{ id: string }>(`SELECT id FROM notifications WHERE user_id = $1 AND ${where} ORDER BY random() LIMIT 5`, [userId])).rows.map((row) => row.id);
    // Each statement locks its rows in id order, as the repositories' multi-row writes do:
    // two statements locking overlapping rows in different orders would deadlock on the rows.
    const inIdOrder = (where: string) => `SELECT id FROM notifications WHERE user_id = $1 AND id = ANY($2::bigint[]) AND ${where} ORDER BY id FOR UPDATE`;
    const writers = {
      create: async () => void (await insert(userId, 1 + Math.floor(Math.random() * 3), categories[Math.floor(Math.random() * 3)])),
      read: async () => {
        const ids = await someIds('read_at IS NULL');
        await pool.query(
          `WITH target AS (${inIdOrder('read_at IS NULL')}) UPDATE notifications SET read_at = now(), seen_at = coalesce(seen_at, now()) FROM target WHERE notifications.id = target.id`,
          [userId, ids],
        );
      },
      archive: async () => {
        const ids = await someIds('archived_at IS NULL');
        await pool.query(
          `WITH target AS (${inIdOrder('archived_at IS NULL')}) UPDATE notifications SET archived_at = now(), seen_at = coalesce(seen_at, now()) FROM target WHERE notifications.id = target.id`,
          [userId, ids],
        );
      },
      delete: async () => {
        await pool.query(`WITH target AS (${inIdOrder('true')}) DELETE FROM notifications USING target WHERE notifications.id = target.id`, [userId, await someIds('true')]);
      },
    };
    const operations = new Map<string, number>();
    await Promise.all(
      Object.entries(writers).map(async ([name, write]) => {
        while (Date.now() < until) {
          await write();
          operations.set(name, (operations.get(name) ?? 0) + 1);
        }
      }),
    );

    for (const name of Object.keys(writers)) expect(operations.get(name)).toBeGreaterThan(10);
    const { stored, actual } = await countsAgainstRows(userId);
    expect(stored).toEqual(actual);
    const versions = (await changes(userId)).map((change) => change.version);
    expect(versions).toEqual(versions.map((_version, index) => index + 1));
    expect(Number((await inbox(userId)).version)).toBe(versions.length);
    const types = new Set((await changes(userId)).map((change) => change.type));
    expect([...types].sort()).toEqual(['archived', 'created', 'deleted', 'read']);
  });
});
