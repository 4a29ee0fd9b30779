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
    });
  });

  it('takes the push policy and display, the display as JSON text', () => {
    expect(checkedRows({ userIds: ['a'], data: 1, push: 'always', pushDisplay: { url: '/x', title: 'T' } }, MAX_BYTES)).toMatchObject({
      pushPolicy: 'always',
      pushDisplayJson: '{"title":"T","url":"/x"}',
    });
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
