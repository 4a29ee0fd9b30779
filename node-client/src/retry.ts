/**
 * When a request may be sent again:
 * - `idempotent`: sending it twice does what sending it once does (reads; setting marks;
 *   deletions; notify with its idempotency key). Retried whenever the outcome is unknown or
 *   pns is briefly unavailable.
 * - `once`: sending it twice could do it twice (creating a webhook URL). Retried only when
 *   pns certainly did not act: the connection was refused, or a 429 said to come back later.
 */
export type RetryMode = 'idempotent' | 'once';

export interface RetryOptions {
  /** Attempts after the first; 0 turns retries off. Default 3. */
  retries?: number;
  /** The backoff: attempt n waits a random time between half and all of min(max, min × 2^n). Default 200 and 5000. */
  delayMs?: { min?: number; max?: number };
}

/** A proxy or a starting pns: the request was not carried out, or may have been (504). */
const UNAVAILABLE = new Set([502, 503, 504]);

/** Errors of a connection that never opened: nothing was sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

export class RetryPolicy {
  private readonly retries: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: RetryOptions = {}) {
    this.retries = options.retries ?? 3;
    this.minDelayMs = options.delayMs?.min ?? 200;
    this.maxDelayMs = options.delayMs?.max ?? 5000;
    if (!Number.isInteger(this.retries) || this.retries < 0) throw new RangeError('retries must be a non-negative integer');
    if (!(this.minDelayMs > 0 && this.maxDelayMs >= this.minDelayMs)) throw new RangeError('delayMs needs 0 < min <= max');
  }

  /** How long to wait before retrying after an answer with `status`, or undefined not to retry. */
  afterStatus(status: number, retryAfter: string | null, mode: RetryMode, retriesDone: number): number | undefined {
    if (retriesDone >= this.retries) return undefined;
    const retriable = status === 429 || (mode === 'idempotent' && UNAVAILABLE.has(status));
    if (!retriable) return undefined;
    const asked = parseRetryAfter(retryAfter);
    // Never sooner than pns asked; when it asks for longer than the longest backoff, the
    // caller gets the error now rather than a call that hangs on.
    if (asked !== undefined) return asked <= this.maxDelayMs ? Math.max(asked, this.backoff(retriesDone)) : undefined;
    return this.backoff(retriesDone);
  }

  /** How long to wait before retrying after a request that got no answer, or undefined not to retry. */
  afterNetworkError(error: unknown, mode: RetryMode, retriesDone: number): number | undefined {
    if (retriesDone >= this.retries) return undefined;
    if (mode === 'once' && !wasNeverSent(error)) return undefined;
    return this.backoff(retriesDone);
  }

  private backoff(retriesDone: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** retriesDone);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

/** A number of seconds or an HTTP date (RFC 9110 §10.2.3), as milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The connection never opened, so pns did not get the request. */
export function wasNeverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' && NOT_SENT_CODES.has(cause.code);
}
