import { decodeCursor, encodeCursor } from './cursor';

describe('cursor codec', () => {
  const position = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '9223372036854775807' };

  it('round-trips a position exactly, down to the millisecond and past 2^53', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it('does not show the position in clear text', () => {
    expect(encodeCursor(position)).not.toContain('2026');
  });

  const encoded = (text: string) => Buffer.from(text).toString('base64url');

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['non-canonical base64url (trailing bits)', `${encoded('1700000000000:1').slice(0, -1)}B`],
    ['padding', `${encoded('1700000000000:1')}=`],
    ['no separator', encoded('1700000000000')],
    ['id not a number', encoded('1700000000000:abc')],
    ['id zero', encoded('1700000000000:0')],
    ['id with leading zero', encoded('1700000000000:01')],
    ['id past BIGINT', encoded('1700000000000:9223372036854775808')],
    ['negative time', encoded('-1:5')],
    ['time past PostgreSQL timestamps', encoded('9999999999999999:5')],
    ['extra field', encoded('1700000000000:5:6')],
    ['very long', 'A'.repeat(200)],
  ])('refuses %s', (_why, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});
