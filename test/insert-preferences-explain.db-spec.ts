import pg from 'pg';
import { createTestDatabase } from './support/database';
import { INSERT_NOTIFICATIONS } from '../src/notifications/insert-notifications.sql';

/** Every relation a plan reads, with how (Seq Scan, Index Scan, …). */
function scans(plan: Record<string, unknown>): string[] {
  const own = typeof plan['Relation Name'] === 'string' ? [`${plan['Node Type']} on ${plan['Relation Name']}`] : [];
  return [...own, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(scans)];
}

/*
 * The insert of every ingest reads the recipients' inbox preferences itself (POST
 * /api/notifications): by key, one probe per recipient, however many users set preferences.
 */
describe('the inbox check of the insert among many users with preferences', () => {
  let db: pg.Client;
  const users = Array.from({ length: 8 }, (_, i) => `prefs-user-${i * 997}`);

  beforeAll(async () => {
    db = new pg.Client({ connectionString: await createTestDatabase() });
    await db.connect();
    await db.query(`
      INSERT INTO user_preferences (user_id, preferences)
      SELECT 'prefs-user-' || n, jsonb_build_object('default', jsonb_build_object('inbox', n % 2 = 0, 'push', true), 'categories', '{}'::jsonb, 'quietHours', null)
      FROM generate_series(1, 20000) AS n`);
    await db.query('ANALYZE user_preferences');
  }, 120_000);
  afterAll(() => db.end());

  const values = (honoursPreferences: boolean) => [
    [JSON.stringify({ title: 'explained' })],
    ['news'],
    [null],
    users,
    users.map(() => 1),
    ['offline'],
    [null],
    [null],
    [honoursPreferences],
  ];

  /** EXPLAIN ANALYZE runs the insert: rolled back, so each case sees the same tables. */
  const explain = async (honoursPreferences: boolean) => {
    await db.query('BEGIN');
    try {
      const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${INSERT_NOTIFICATIONS}`, values(honoursPreferences));
      return scans(rows[0]['QUERY PLAN'][0].Plan);
    } finally {
      await db.query('ROLLBACK');
    }
  };

  it('probes user_preferences by key, with no Seq Scan', async () => {
    const read = await explain(true);
    expect(read.filter((scan) => scan.startsWith('Seq Scan'))).toEqual([]);
    expect(read.some((scan) => /^Index (Only )?Scan on user_preferences$/.test(scan))).toBe(true);
  });

  /*
   * Ingest sends the insert as one named prepared statement, mostly for one recipient. Its
   * plan is kept and reused (a generic plan) rather than made anew at every execution: the
   * planning cost more than the rest of the statement (docs/performance.md section 8).
   */
  it('is planned once for many single-recipient inserts, and that plan probes by key', async () => {
    const single = (n: number) => [[JSON.stringify({ title: 'prepared' })], ['news'], [null], [`prefs-user-${n}`], [1], ['offline'], [null], [null], [true]];
    await db.query('BEGIN');
    try {
      for (let n = 0; n < 12; n++) await db.query({ name: 'insert_single_recipient', text: INSERT_NOTIFICATIONS, values: single(n) });
      const { rows } = await db.query<{ generic_plans: string; custom_plans: string }>(
        `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'insert_single_recipient'`,
      );
      // PostgreSQL plans the first five executions with their values, then weighs its generic plan.
      expect(rows).toEqual([{ generic_plans: '7', custom_plans: '5' }]);
      await db.query('SET LOCAL plan_cache_mode = force_generic_plan');
      const plan = await db.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(`EXPLAIN (FORMAT JSON) ${INSERT_NOTIFICATIONS}`, single(0));
      const read = scans(plan.rows[0]['QUERY PLAN'][0].Plan);
      expect(read.filter((scan) => scan.startsWith('Seq Scan'))).toEqual([]);
      expect(read.some((scan) => /^Index (Only )?Scan on user_preferences$/.test(scan))).toBe(true);
    } finally {
      await db.query('ROLLBACK');
    }
  });

  it('stores those whose default lets the category in and answers the others suppressed', async () => {
    await db.query('BEGIN');
    try {
      const { rows } = await db.query<{ user_id: string; suppressed: boolean }>(INSERT_NOTIFICATIONS, values(true));
      // prefs-user-<n> has its inbox on for even n (i * 997 is even for even i); prefs-user-0 set
      // none, so it has the default: on.
      expect(Object.fromEntries(rows.map((row) => [row.user_id, row.suppressed]))).toEqual(Object.fromEntries(users.map((user, i) => [user, i % 2 === 1])));
    } finally {
      await db.query('ROLLBACK');
    }
  });

  it('stores every recipient of a request that does not honour preferences', async () => {
    await db.query('BEGIN');
    try {
      const { rows } = await db.query<{ suppressed: boolean }>(INSERT_NOTIFICATIONS, values(false));
      expect(rows.map((row) => row.suppressed)).toEqual(users.map(() => false));
    } finally {
      await db.query('ROLLBACK');
    }
  });
});
