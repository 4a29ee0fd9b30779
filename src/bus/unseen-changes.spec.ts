import { ANNOUNCED_COUNTS_BYTES, groupUserIds, packUserIds, unpackAnnouncements } from './unseen-changes';

describe('packUserIds / unpackAnnouncements', () => {
  it('round-trips user ids, unicode included', () => {
    const users = ['u1', 'ünïcødé 用户', 'with space', 'a'.repeat(255)];
    expect(packUserIds(users).flatMap(unpackAnnouncements)).toEqual(users.map((userId) => ({ userId })));
  });

  it('keeps every payload under PostgreSQL NOTIFY limit of 8000 bytes', () => {
    const users = Array.from({ length: 1000 }, (_, i) => `${'é'.repeat(100)}-${i}`);
    const payloads = packUserIds(users);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap(unpackAnnouncements).map(({ userId }) => userId)).toEqual(users);
  });

  it('packs nothing into no payload', () => {
    expect(packUserIds([])).toEqual([]);
  });

  it('leaves room in each group for the largest counts the announcement adds', () => {
    const users = Array.from({ length: 1000 }, (_, i) => `${'é'.repeat(100)}-${i}`);
    const largest = `\t${'9'.repeat(19)}\t${'9'.repeat(10)}`;
    expect(Buffer.byteLength(largest)).toBeLessThanOrEqual(ANNOUNCED_COUNTS_BYTES);
    for (const group of groupUserIds(users, ANNOUNCED_COUNTS_BYTES)) {
      expect(Buffer.byteLength(group.map((userId) => `${userId}${largest}`).join('\n'))).toBeLessThan(8000);
    }
  });

  it('reads the version and unseen count after a user id, and none when they are not numbers', () => {
    expect(unpackAnnouncements('with space\t12\t3\nbare\nbroken\tx\t1')).toEqual([
      { userId: 'with space', inbox: { version: 12, unseen: 3 } },
      { userId: 'bare' },
      { userId: 'broken' },
    ]);
  });
});
