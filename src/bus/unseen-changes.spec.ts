import { packUserIds, unpackUserIds } from './unseen-changes';

describe('packUserIds / unpackUserIds', () => {
  it('round-trips user ids, unicode included', () => {
    const users = ['u1', 'ünïcødé 用户', 'with space', 'a'.repeat(255)];
    expect(packUserIds(users).flatMap(unpackUserIds)).toEqual(users);
  });

  it('keeps every payload under PostgreSQL NOTIFY limit of 8000 bytes', () => {
    const users = Array.from({ length: 1000 }, (_, i) => `${'é'.repeat(100)}-${i}`);
    const payloads = packUserIds(users);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap(unpackUserIds)).toEqual(users);
  });

  it('packs nothing into no payload', () => {
    expect(packUserIds([])).toEqual([]);
  });
});
