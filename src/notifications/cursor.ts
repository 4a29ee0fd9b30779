import { isNotificationId, type PagePosition } from './notification.js';

/*
 * A cursor is the keyset (createdAt, id) of the last item of a page, so the next page starts
 * strictly after it in (created_at DESC, id DESC) order: rows inserted meanwhile are newer and
 * land before the cursor, never shifting later pages. It is base64url so that clients treat it
 * as opaque and pass it in a query string unescaped.
 */

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(`${position.createdAt.getTime()}:${position.id}`).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service issued. */
export function decodeCursor(cursor: string): PagePosition | undefined {
  // Node's base64 decoder skips characters it does not know; insist on the canonical form.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (Buffer.from(decoded).toString('base64url') !== cursor) return undefined;
  const match = /^(\d{1,15}):(\d+)$/.exec(decoded);
  if (!match || !isNotificationId(match[2])) return undefined;
  const createdAt = new Date(Number(match[1]));
  return Number.isNaN(createdAt.getTime()) ? undefined : { createdAt, id: match[2] };
}
