import { parseSubscription } from './subscription-frame';

describe('parseSubscription', () => {
  it('reads access_id and timestamp (ms since the epoch)', () => {
    expect(parseSubscription('{ "access_id" : "client1", "timestamp" : 200 }')).toEqual({ accessId: 'client1', from: new Date(200) });
    expect(parseSubscription(JSON.stringify({ access_id: 'u', timestamp: 1_700_000_000_123 }))).toEqual({ accessId: 'u', from: new Date(1_700_000_000_123) });
  });

  it.each([
    ['not JSON', '{access_id: u}', 'JSON'],
    ['null', 'null', 'object'],
    ['an array', '[]', 'object'],
    ['no access_id', '{"timestamp": 1}', 'access_id'],
    ['an access_id with a control character', '{"access_id": "a\\u0007", "timestamp": 1}', 'access_id'],
    ['an access_id with a NUL', '{"access_id": "a\\u0000", "timestamp": 1}', 'NUL'],
    ['an access_id with a lone surrogate', '{"access_id": "a\\ud800", "timestamp": 1}', 'surrogate'],
    ['no timestamp', '{"access_id": "u"}', 'timestamp'],
    ['a fractional timestamp', '{"access_id": "u", "timestamp": 1.5}', 'timestamp'],
    ['a timestamp as a string', '{"access_id": "u", "timestamp": "200"}', 'timestamp'],
    ['a negative timestamp', '{"access_id": "u", "timestamp": -5}', 'timestamp'],
  ])('names the problem with %s', (_case, text, word) => {
    const result = parseSubscription(text);
    expect(result).toEqual({ problem: expect.stringContaining(word) });
    // Sent as a close reason, which holds at most 123 bytes.
    expect(Buffer.byteLength((result as { problem: string }).problem)).toBeLessThanOrEqual(123);
  });
});
