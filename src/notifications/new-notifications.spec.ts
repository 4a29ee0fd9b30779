import { InvalidInputError, PayloadTooLargeError } from '../common/errors';
import { checkedRows, MAX_RECIPIENTS } from './new-notifications';

const MAX_BYTES = 100;

describe('checkedRows: the rules of a new notification, for every transport', () => {
  it('takes each user once, in the order given, with the data as JSON text', () => {
    expect(checkedRows({ userIds: ['b', 'a', 'b'], data: null, category: 'news', idempotencyKey: 'k' }, MAX_BYTES)).toEqual({
      userIds: ['b', 'a'],
      dataJson: 'null',
      category: 'news',
      idempotencyKey: 'k',
      pushPolicy: 'offline',
      pushDisplayJson: null,
      key: null,
      expiresAt: null,
      renotify: true,
    });
  });

  it('takes the push policy and display, the display as JSON text', () => {
    expect(checkedRows({ userIds: ['a'], data: 1, push: 'always', pushDisplay: { url: '/x', title: 'T' } }, MAX_BYTES)).toMatchObject({
      pushPolicy: 'always',
      pushDisplayJson: '{"title":"T","url":"/x"}',
    });
  });

  it('takes an expiry as an instant or as a time to live from now', () => {
    const now = new Date('2026-12-01T12:00:00.000Z');
    expect(checkedRows({ userIds: ['a'], data: 1, expiresAt: '2026-12-01T13:00:00Z' }, MAX_BYTES, now).expiresAt).toEqual(new Date('2026-12-01T13:00:00Z'));
    expect(checkedRows({ userIds: ['a'], data: 1, ttl: '2s' }, MAX_BYTES, now).expiresAt).toEqual(new Date('2026-12-01T12:00:02.000Z'));
  });

  it.each([
    ['no user', { userIds: [], data: 1 }],
    [`more than ${MAX_RECIPIENTS} users`, { userIds: Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => `u${i}`), data: 1 }],
    ['a user id with a control character', { userIds: ['a', 'b\u0007'], data: 1 }],
    ['an empty user id', { userIds: [''], data: 1 }],
    ['no data', { userIds: ['a'], data: undefined }],
    ['a NUL character in data', { userIds: ['a'], data: { text: 'a\u0000b' } }],
    ['an empty category', { userIds: ['a'], data: 1, category: '' }],
    ['an idempotency key of 256 characters', { userIds: ['a'], data: 1, idempotencyKey: 'k'.repeat(256) }],
    ['an empty key', { userIds: ['a'], data: 1, key: '' }],
    ['a key of 256 characters', { userIds: ['a'], data: 1, key: 'k'.repeat(256) }],
    ['both expiresAt and ttl', { userIds: ['a'], data: 1, expiresAt: '2999-01-01T00:00:00Z', ttl: '1h' }],
    ['an expiresAt in the past', { userIds: ['a'], data: 1, expiresAt: '2000-01-01T00:00:00Z' }],
    ['a malformed ttl', { userIds: ['a'], data: 1, ttl: '2 hours' }],
    ['a ttl of zero', { userIds: ['a'], data: 1, ttl: '0s' }],
  ])('refuses %s as invalid input', (_case, input) => {
    expect(() => checkedRows(input, MAX_BYTES)).toThrow(InvalidInputError);
  });

  it('keeps an escaped backslash before u0000, which is no NUL', () => {
    expect(checkedRows({ userIds: ['a'], data: '\\u0000' }, MAX_BYTES).dataJson).toBe('"\\\\u0000"');
  });

  it('refuses data over the limit in UTF-8 bytes as too large', () => {
    expect(checkedRows({ userIds: ['a'], data: 'x'.repeat(MAX_BYTES - 2) }, MAX_BYTES).dataJson).toHaveLength(MAX_BYTES);
    expect(() => checkedRows({ userIds: ['a'], data: 'é'.repeat(MAX_BYTES / 2) }, MAX_BYTES)).toThrow(PayloadTooLargeError);
  });
});
