import { InvalidInputError } from '../common/errors.js';
import { checkedPushDisplay, checkedPushPolicy } from './push-display.js';

describe('push fields of a new notification', () => {
  it('defaults the policy to offline and takes the three words', () => {
    expect(checkedPushPolicy(undefined)).toBe('offline');
    expect(['offline', 'always', 'never'].map(checkedPushPolicy)).toEqual(['offline', 'always', 'never']);
    expect(() => checkedPushPolicy('later')).toThrow(InvalidInputError);
  });

  it('keeps a display as JSON text, in a fixed field order', () => {
    expect(checkedPushDisplay(undefined)).toBeNull();
    expect(checkedPushDisplay({ url: 'https://app.example/o/1', body: 'b', title: 't' })).toBe('{"title":"t","body":"b","url":"https://app.example/o/1"}');
    expect(checkedPushDisplay({ title: 't', url: '/inbox' })).toBe('{"title":"t","url":"/inbox"}');
  });

  it.each([
    ['a protocol-relative url', { title: 't', url: '//evil.example/x' }],
    ['a data: url', { title: 't', url: 'data:text/html,x' }],
    ['an empty title', { title: '' }],
    ['a title with NUL', { title: 'a\u0000b' }],
    ['a body with an unpaired surrogate', { title: 't', body: '\ud800' }],
    ['a body too long', { title: 't', body: 'x'.repeat(1025) }],
    ['an array', [{ title: 't' }]],
  ])('refuses %s', (_what, value) => {
    expect(() => checkedPushDisplay(value)).toThrow(InvalidInputError);
  });
});
