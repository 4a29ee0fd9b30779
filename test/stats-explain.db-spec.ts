import pg from 'pg';
import { createTestDatabase } from './support/database';
import { GLOBAL_STATS_SQL, USER_STATS_SQL } from '../src/stats/stats.repository';

/** Every relation a plan reads, with how (Seq Scan, Index Scan, …). */
function scans(plan: Record<string, unknown>): string[] {
  const own = typeof plan['Relation Name'] === 'string' ? [`${plan['Node Type']} on ${plan['Relation Name']}`] : [];
  return [...own, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(scans)];
}

describe('the stats queries on a big table', () => {
  let db: pg.Client;

  beforeAll(async () => {
    db = new pg.Client({ connectionString: await createTestDatabase() });
    await db.connect();
    // 100,000 notifications over 30 days, 1,000 users, 10 categories; every other one seen
    // a few minutes after it came. The rollup triggers count them as they go in.
    await db.query(`
      INSERT INTO notifications (user_id, data, category, created_at)
      SELECT 'user-' || (n % 1000), '{}', 'category-' || (n % 10), timestamptz '2026-01-01' + n * interval '26 seconds'
      FROM generate_series(1, 100000) AS n`);
    await db.query(`UPDATE notifications SET seen_at = created_at + (id % 600) * interval '1 second' WHERE id % 2 = 0`);
    // The stats queries read the rollups and the per-user rows only, so what 10M notifications
    // change for them is the size of those tables: written here as 10M notifications over the
    // 90 days before the ones above would have left them (every hour × 20 categories × 8 shards,
    // 10 delay buckets an hour and category, 100,000 users with 3 categories each), rather than
    // inserting 10M rows through every index and trigger of notifications on a shared test machine.
    await db.query(`
      INSERT INTO stats_hourly (hour, category, shard, created, seen, read)
      SELECT timestamptz '2025-10-03' + h * interval '1 hour', 'category-' || c, s, 29, 20, 10
      FROM generate_series(0, 2159) AS h, generate_series(0, 19) AS c, generate_series(0, 7) AS s`);
    await db.query(`
      INSERT INTO stats_seen_delays (hour, category, seconds, count)
      SELECT timestamptz '2025-10-03' + h * interval '1 hour', 'category-' || c, b, 16
      FROM generate_series(0, 2159) AS h, generate_series(0, 19) AS c, unnest(ARRAY[1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]) AS b`);
    await db.query(`INSERT INTO user_inboxes (user_id, unseen, unread, total, version) SELECT 'earlier-' || u, 30, 60, 100, 150 FROM generate_series(1, 100000) AS u`);
    await db.query(`
      INSERT INTO user_category_counts (user_id, category, unseen, unread, total)
      SELECT 'earlier-' || u, 'category-' || c, 10, 20, 33 FROM generate_series(1, 100000) AS u, generate_series(0, 2) AS c`);
    await db.query(`INSERT INTO user_last_seen (user_id, last_seen_at) SELECT 'earlier-' || u, timestamptz '2025-12-31' FROM generate_series(1, 100000) AS u`);
    await db.query('ANALYZE');
    const { rows } = await db.query<{ created: string }>('SELECT sum(created)::text AS created FROM stats_hourly');
    expect(Number(rows[0].created)).toBeGreaterThan(10_000_000);
  }, 180_000);
  afterAll(() => db.end());

  const explain = async (sql: string, values: unknown[]) => {
    const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown>; 'Execution Time': number }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values);
    return { scans: scans(rows[0]['QUERY PLAN'][0].Plan), ms: rows[0]['QUERY PLAN'][0]['Execution Time'] };
  };

  it.each([
    ['a week, every category', ['2026-01-08T00:00:00Z', '2026-01-15T00:00:00Z', null]],
    ['a week, one category', ['2026-01-08T00:00:00Z', '2026-01-15T00:00:00Z', 'category-3']],
    ['all 30 days', ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', null]],
  ])('answer %s from the rollups by index, never reading notifications', async (_case, values) => {
    const { scans: read, ms } = await explain(GLOBAL_STATS_SQL, values);
    expect(read.filter((scan) => scan.endsWith(' on notifications'))).toEqual([]);
    expect(read.some((scan) => scan.endsWith(' on stats_hourly'))).toBe(true);
    // The window is a sliver of the 120 days the rollups hold: read by its range, not whole.
    expect(read.filter((scan) => scan.startsWith('Seq Scan'))).toEqual([]);
    // Far below what reading 100,000 notifications takes; here it is a few milliseconds.
    expect(ms).toBeLessThan(500);
  });

  it("answers one user's numbers by key among 100,000 users, never reading notifications", async () => {
    const { scans: read, ms } = await explain(USER_STATS_SQL, ['user-8']);
    expect(read.filter((scan) => scan.endsWith(' on notifications'))).toEqual([]);
    expect(read.every((scan) => scan.startsWith('Index'))).toBe(true);
    expect(ms).toBeLessThan(100);
    const { rows } = await db.query(USER_STATS_SQL, ['user-8']);
    expect(rows[0]).toMatchObject({ total: 100, unseen: 0, unread: 100 });
  });

  it('buckets seconds to seen exactly below 10 s, then to the nearest round value within 12%', async () => {
    const seconds = [0, 9.9, 10, 11.5, 13, 29, 33, 1234, 86_400, 1e12];
    const { rows } = await db.query<{ bucket: number }>('SELECT pns_seen_delay_bucket(s) AS bucket FROM unnest($1::float8[]) AS s', [seconds]);
    expect(rows.map((row) => row.bucket)).toEqual([0, 9, 10, 12, 12, 30, 35, 1200, 80_000, 1_000_000_000]);
  });

  it('counts the 100,000 notifications right', async () => {
    const { rows } = await db.query(GLOBAL_STATS_SQL, ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', null]);
    expect(rows[0]).toMatchObject({ created: '100000', seen: '50000' });
    // Seen (id % 600) seconds after creation, even ids only: the median of 0, 2, …, 598 is about 300.
    expect(rows[0].median).toBeGreaterThanOrEqual(290);
    expect(rows[0].median).toBeLessThanOrEqual(310);
  });
});
