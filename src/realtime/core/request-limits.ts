import type { ErrorFrame, RequestId } from './frames.js';

export interface RequestRate {
  /** Requests a second, sustained. */
  readonly perSecond: number;
  /** Requests an idle connection may send at once. */
  readonly burst: number;
}

export type Verdict = 'answer' | 'refuse' | 'close';

/**
 * One device connection's token bucket (docs/protocol.md, Heartbeats and limits): a request
 * past the rate is refused with a cheap `rate_limited` frame instead of costing database work,
 * so one device looping requests cannot make other users wait; one that goes on sending a
 * whole burst's worth of refused requests is closed.
 */
export class RequestLimiter {
  private tokens: number;
  private updatedMs: number;
  private refusedInARow = 0;

  constructor(
    private readonly rate: RequestRate,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rate.burst;
    this.updatedMs = now();
  }

  take(): Verdict {
    const now = this.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.updatedMs) * this.rate.perSecond) / 1000);
    this.updatedMs = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.refusedInARow = 0;
      return 'answer';
    }
    this.refusedInARow += 1;
    return this.refusedInARow > this.rate.burst ? 'close' : 'refuse';
  }
}

/** The answer to a request past the rate, echoing its requestId when the frame has one. */
export function rateLimitedFrame(text: string, rate: RequestRate): ErrorFrame {
  const frame: ErrorFrame = { error: { code: 'rate_limited', message: `over ${rate.perSecond} requests a second (bursts of ${rate.burst}); slow down` } };
  const requestId = requestIdIn(text);
  return requestId === undefined ? frame : { ...frame, requestId };
}

function requestIdIn(text: string): RequestId | undefined {
  try {
    const { requestId } = JSON.parse(text) as { requestId?: unknown };
    return typeof requestId === 'string' || (typeof requestId === 'number' && Number.isFinite(requestId)) ? requestId : undefined;
  } catch {
    return undefined;
  }
}
