/**
 * What a device asked for when it connected (docs/protocol.md, Protocol 2): protocol 1's count
 * frames, or protocol 2's counts and changes, optionally resuming after a version it saw.
 */
export type Subscription = { protocol: 1 } | { protocol: 2; since?: number };

/** A connection's query asks for something that does not exist: refused with 400 before it opens. */
export class SubscriptionError extends Error {}

// Up to 15 digits: always a safe integer.
const VERSION = /^\d{1,15}$/;

/**
 * Reads `protocol` and `since` from a device connection's address. `resumeAfter` is what the
 * transport itself resumes from (SSE's Last-Event-ID), which wins over `since`: an EventSource
 * reconnecting by itself sends the original address, `since` and all, with the last id it saw.
 */
export function subscriptionOf(url: string | undefined, resumeAfter?: string): Subscription {
  const query = new URL(url ?? '/', 'http://device').searchParams;
  const protocol = query.get('protocol');
  if (protocol !== null && protocol !== '1' && protocol !== '2') throw new SubscriptionError(`protocol must be 1 or 2 (got ${JSON.stringify(protocol)})`);
  const since = resumeAfter ?? query.get('since') ?? undefined;
  if (protocol !== '2') {
    if (query.has('since')) throw new SubscriptionError('since needs protocol=2');
    return { protocol: 1 };
  }
  if (since === undefined) return { protocol: 2 };
  if (!VERSION.test(since.trim())) throw new SubscriptionError(`since must be a version, a non-negative integer (got ${JSON.stringify(since)})`);
  return { protocol: 2, since: Number(since.trim()) };
}
