export interface RetryPolicy {
  /** The wait before the first retry. */
  readonly firstMs: number;
  /** No wait is longer than this. */
  readonly maxMs: number;
}

/**
 * The wait after `attempts` failed attempts: doubling from `firstMs`, capped at `maxMs`, then
 * "equal jitter" (between half and all of it), so that the deliveries of one outage do not
 * come back all at once and keep a recovering receiver down.
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.firstMs * 2 ** Math.max(0, attempts - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
