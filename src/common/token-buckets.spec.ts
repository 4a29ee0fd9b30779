import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  let now: number;
  let buckets: TokenBuckets;

  beforeEach(() => {
    now = 1_000_000;
    buckets = new TokenBuckets({ perSecond: 10, burst: 20 }, () => now);
  });

  const takeMany = (key: string, times: number) => Array.from({ length: times }, () => buckets.take(key));

  it('takes a burst at once, then answers how long until the next token', () => {
    expect(takeMany('a', 20)).toEqual(Array(20).fill(0));
    expect(buckets.take('a')).toBe(100);
    now += 40;
    expect(buckets.take('a')).toBe(60);
  });

  it('refills at the sustained rate, up to the burst', () => {
    takeMany('a', 20);
    now += 250;
    // 2.5 tokens: two calls, and half a token's wait for the third.
    expect(takeMany('a', 3)).toEqual([0, 0, 50]);
    now += 60_000;
    expect(takeMany('a', 21).filter((wait) => wait === 0)).toHaveLength(20);
  });

  it('keeps keys apart', () => {
    takeMany('a', 21);
    expect(buckets.take('b')).toBe(0);
  });

  it('forgets refilled buckets once a minute, and keeps those still draining', () => {
    takeMany('idle', 1);
    now += 59_000;
    takeMany('busy', 20);
    expect(buckets.size).toBe(2);
    now += 1_500;
    buckets.take('other');
    // "idle" refilled long ago; "busy" got 15 of its 20 tokens back.
    expect(buckets.size).toBe(2);
    expect(takeMany('busy', 16).filter((wait) => wait === 0)).toHaveLength(15);
  });
});
