import type { IncomingMessage } from 'node:http';

// Up to 15 digits: always a safe integer, so the next id is exact.
const EVENT_ID = /^\d{1,15}$/;

/**
 * Where a stream's event ids continue from. An EventSource reconnecting by itself sends the
 * last id it received as `Last-Event-ID`; a client that opens a new EventSource (which cannot
 * set headers) may pass it as `?lastEventId=`. The header wins. Anything that is not one of our
 * ids starts over at 0: a resumed stream replays nothing, so there is nothing to get wrong.
 */
export function resumedEventId(request: IncomingMessage): number {
  const text = lastEventIdOf(request);
  return text !== undefined && EVENT_ID.test(text) ? Number(text) : 0;
}

/** The last event id the device saw, as it sent it (header, else `?lastEventId=`), trimmed. */
export function lastEventIdOf(request: IncomingMessage): string | undefined {
  const header = request.headers['last-event-id'];
  return typeof header === 'string' ? header.trim() : queryValue(request.url, 'lastEventId');
}

function queryValue(url = '', name: string): string | undefined {
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? undefined : (new URLSearchParams(url.slice(queryStart + 1)).get(name)?.trim() ?? undefined);
}
