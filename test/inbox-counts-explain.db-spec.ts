import pg from 'pg';
import { createTestDatabase } from './support/database';
import { INBOX_COUNTS } from '../src/inbox/counts.sql';

/** Every relation a plan reads, with how (Seq Scan, Index Scan, …). */
function scans(plan: Record<string, unknown>): string[] {
  const own = typeof plan['Relation Name'] === 'string' ? [`${plan['Node Type']} on ${plan['Relation Name']}`] : [];
  return [...own, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(scans)];
}

/*
 * The counts read (InboxRepository.counts, the statement every delivered change reads) on a
 * table where reading the user's history would show: by key, whatever the user's history.
 * The bench measures it at 1M notifications (docs/performance.md).
 */
describe('the counts read on a big table', () => {
  let db: pg.Client;

  beforeAll(async () => {
    db = new pg.Client({ connectionString: await createTestDatabase() });
    await db.connect();
    // 50,000 notifications of one user over 50 categories, a third of them seen, and 50,000
    // of 20,000 other users over 10 categories: the triggers count them as they go in. (Among
    // only a thousand users, reading all their inbox rows is as cheap as finding a few.)
    await db.query(`
      INSERT INTO notifications (user_id, data, category, seen_at)
      SELECT 'counts-heavy', '{}', 'category-' || (n % 50), CASE WHEN n % 3 = 0 THEN now() END FROM generate_series(1, 50000) AS n`);
    await db.query(`
      INSERT INTO notifications (user_id, data, category)
      SELECT 'user-' || (n % 20000), '{}', 'category-' || (n % 10) FROM generate_series(1, 50000) AS n`);
    await db.query('ANALYZE');
  }, 120_000);
  afterAll(() => db.end());

  const explain = async (values: unknown[]) => {
    const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${INBOX_COUNTS}`, values);
    return scans(rows[0]['QUERY PLAN'][0].Plan);
  };

  it.each([
    ['a user with 50,000 notifications over 50 categories', ['counts-heavy']],
    ['a user with a few', ['user-7']],
    ['a user without any', ['nobody']],
    ['several users at once', ['counts-heavy', 'user-7', 'nobody']],
  ])('reads %s by key: the inbox row and the category rows, never notifications, no Seq Scan', async (_case, users) => {
    const read = await explain([users]);
    expect(read.filter((scan) => scan.endsWith(' on notifications'))).toEqual([]);
    expect(read.filter((scan) => scan.startsWith('Seq Scan'))).toEqual([]);
    expect(read.some((scan) => scan.endsWith(' on user_inboxes'))).toBe(true);
    expect(read.some((scan) => scan.endsWith(' on user_category_counts'))).toBe(true);
  });

  it('answers the counts the rows hold', async () => {
    const { rows } = await db.query(INBOX_COUNTS, [['counts-heavy']]);
    expect(rows[0]).toMatchObject({ unseen: 33334, unread: 50000, total: 50000 });
    expect(Object.keys(rows[0].categories)).toHaveLength(50);
    expect(rows[0].categories['category-0']).toEqual({ unseen: 667, unread: 1000, total: 1000 });
  });
});
