import { retryDelayMs } from './retry-delay';

const policy = { firstMs: 10_000, maxMs: 3_600_000 };

describe('retryDelayMs', () => {
  it('doubles from the first delay, with the jitter between half and all of it', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, policy, () => 1))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, policy, () => 0))).toEqual([5_000, 10_000, 20_000, 40_000]);
  });

  it('never waits longer than the maximum', () => {
    expect(retryDelayMs(30, policy, () => 1)).toBe(3_600_000);
    expect(retryDelayMs(1000, policy, () => 0.5)).toBe(2_700_000);
  });
});
