/** What one push attempt came to; the worker records it (docs/push.md, "Delivery"). */
export type SendOutcome =
  | { result: 'sent' }
  /** The push service says the subscription is no more: it is deleted. */
  | { result: 'gone' }
  /** Overloaded or failing for now (429, 5xx, no answer): try again, not before `retryAfterMs` when given. */
  | { result: 'retry'; retryAfterMs?: number; reason: string }
  /** Refused for good (another 4xx): the push is dropped. */
  | { result: 'failed'; reason: string };

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The outcome of an HTTP status from a push service, for the statuses both services share. */
export function outcomeOfStatus(status: number, retryAfter: string | string[] | undefined): SendOutcome {
  if (status >= 200 && status < 300) return { result: 'sent' };
  if (status === 429 || status >= 500) return { result: 'retry', retryAfterMs: parseRetryAfter(retryAfter), reason: `HTTP ${status}` };
  return { result: 'failed', reason: `HTTP ${status}` };
}
