export interface BucketRate {
  /** Tokens added per second, up to `burst`: the sustained rate. */
  perSecond: number;
  /** How many calls a bucket that was idle long enough takes at once. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Buckets that have refilled are forgotten this often, so idle keys cost no memory. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Token buckets by key, in this process's memory: refilled lazily on each take, so there is
 * no timer per bucket. A full bucket is the same as no bucket, which makes forgetting safe.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweepMs: number;

  constructor(
    private readonly rate: BucketRate,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSweepMs = now();
  }

  /** Takes a token of `key`'s bucket: 0 when taken, else the milliseconds until one will be there. */
  take(key: string): number {
    const now = this.now();
    this.sweep(now);
    const tokens = this.tokensAt(this.buckets.get(key), now);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, updatedMs: now });
      return Math.ceil(((1 - tokens) * 1000) / this.rate.perSecond);
    }
    this.buckets.set(key, { tokens: tokens - 1, updatedMs: now });
    return 0;
  }

  get size(): number {
    return this.buckets.size;
  }

  private tokensAt(bucket: Bucket | undefined, now: number): number {
    if (bucket === undefined) return this.rate.burst;
    return Math.min(this.rate.burst, bucket.tokens + ((now - bucket.updatedMs) * this.rate.perSecond) / 1000);
  }

  private sweep(now: number): void {
    if (now - this.lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.lastSweepMs = now;
    for (const [key, bucket] of this.buckets) if (this.tokensAt(bucket, now) >= this.rate.burst) this.buckets.delete(key);
  }
}
