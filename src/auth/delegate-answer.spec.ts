import { userIdFromDelegateAnswer } from './delegate-answer';

describe('userIdFromDelegateAnswer', () => {
  it('reads user_id, or userId', () => {
    expect(userIdFromDelegateAnswer('{"user_id":"u-1"}')).toBe('u-1');
    expect(userIdFromDelegateAnswer('{"userId":"u-2","name":"Ann"}')).toBe('u-2');
  });

  it('reads an integer id as its decimal string', () => {
    expect(userIdFromDelegateAnswer('{"user_id":42}')).toBe('42');
    expect(userIdFromDelegateAnswer('{"userId":-7}')).toBe('-7');
  });

  it('prefers user_id, the documented primary spelling, when both are present', () => {
    expect(userIdFromDelegateAnswer('{"user_id":"a","userId":"b"}')).toBe('a');
  });

  it.each([
    ['not JSON', '<html>login</html>'],
    ['empty', ''],
    ['a bare string', '"u-1"'],
    ['null', 'null'],
    ['an array', '[{"user_id":"u-1"}]'],
    ['no user field', '{"ok":true}'],
    ['a fraction', '{"user_id":4.2}'],
    ['an integer past 2^53', '{"user_id":9007199254740993}'],
    ['a boolean', '{"user_id":true}'],
    ['an empty id', '{"user_id":""}'],
    ['a control character', '{"user_id":"a\\nb"}'],
    ['too long', JSON.stringify({ user_id: 'x'.repeat(256) })],
    ['an invalid user_id beside a valid userId', '{"user_id":null,"userId":"u-1"}'],
  ])('rejects %s', (_, body) => {
    expect(userIdFromDelegateAnswer(body)).toBeUndefined();
  });
});
