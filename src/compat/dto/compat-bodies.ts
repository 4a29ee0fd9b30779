import { InvalidInputError } from '../../common/errors.js';
import { isUserId, USER_ID_RULE } from '../../common/user-id.js';

/*
 * The earlier servers' bodies (docs/api.md, Routes of the earlier servers), checked here rather than by the global ValidationPipe: `message` and
 * `payload` are opaque data, which the pipe would walk and strip (its class-transformer copy
 * drops keys named like Object methods), and `/push_events` takes a bare array.
 */

/** As many events as `POST /api/notifications` takes users in one call. */
export const MAX_EVENTS = 1000;

/** The latest instant a JavaScript Date (and so a stored created_at) can hold, in ms since the epoch. */
const MAX_EPOCH_MS = 8.64e15;

export interface EventEntry {
  userId: string;
  data: unknown;
}

/** notification-socket.io's `{"message": <any>}`; any JSON value is the data, null included. */
export function messageOf(body: unknown): unknown {
  if (!isObject(body)) throw new InvalidInputError('the body must be a JSON object {"message": <any JSON>}');
  if (!Object.hasOwn(body, 'message')) throw new InvalidInputError('message is required (any JSON value, stored as the notification\'s data)');
  return body.message;
}

/**
 * The notifier's `[{"accessid", "created_at", "payload"}]`, every event's shape checked before
 * any is stored (the rules of a notification, the user id's too, are NotificationsService's).
 * `created_at` (ms since the epoch) must be valid but is not stored: the notification's own
 * created_at is when pns stored it (see docs/migrating.md).
 */
export function eventEntriesOf(body: unknown): EventEntry[] {
  if (!Array.isArray(body)) throw new InvalidInputError('the body must be a JSON array of {"accessid", "created_at", "payload"}');
  if (body.length > MAX_EVENTS) throw new InvalidInputError(`at most ${MAX_EVENTS} events per call (got ${body.length})`);
  return body.map((event: unknown, index) => {
    const at = `events[${index}]`;
    if (!isObject(event)) throw new InvalidInputError(`${at} must be an object {"accessid", "created_at", "payload"}`);
    if (typeof event.accessid !== 'string') throw new InvalidInputError(`${at}.accessid must be a user id (a string)`);
    const createdAt = event.created_at;
    if (typeof createdAt !== 'number' || !Number.isInteger(createdAt) || createdAt < 0 || createdAt > MAX_EPOCH_MS) {
      throw new InvalidInputError(`${at}.created_at must be an integer number of milliseconds since the epoch (got ${JSON.stringify(createdAt)})`);
    }
    if (!Object.hasOwn(event, 'payload')) throw new InvalidInputError(`${at}.payload is required (any JSON value)`);
    return { userId: event.accessid, data: event.payload };
  });
}

/** The notifier's `{"drop_access_id": "…"}`. */
export function dropAccessIdOf(body: unknown): string {
  if (!isObject(body)) throw new InvalidInputError('the body must be a JSON object {"drop_access_id": "<user id>"}');
  if (!isUserId(body.drop_access_id)) throw new InvalidInputError(`drop_access_id: ${USER_ID_RULE}`);
  return body.drop_access_id;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
