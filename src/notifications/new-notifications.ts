import { InvalidInputError, PayloadTooLargeError } from '../common/errors.js';
import { jsonTextProblem } from '../common/json-text.js';
import { isStorableText, STORABLE_TEXT_RULE } from '../common/storable-text.js';
import { isUserId, USER_ID_RULE } from '../common/user-id.js';
import { checkedPushDisplay, checkedPushPolicy } from '../push/push-display.js';
import { parseDuration } from '../config/duration.js';
import type { NewNotifications } from './notification.js';
import type { NotificationRows } from './notifications.repository.js';

/** Recipients of one request (POST /api/notifications takes up to this many userIds). */
export const MAX_RECIPIENTS = 1000;

const MAX_TEXT_LENGTH = 255;

/**
 * The rules of a new notification, checked here once for every transport (REST, webhook URLs,
 * the earlier servers' push routes): each transport only reads its wire format into
 * NewNotifications. Answers the request as the repository stores it, one row per distinct user.
 */
export function checkedRows(input: NewNotifications, maxDataBytes: number, now = new Date()): NotificationRows {
  if (input.userIds.length > MAX_RECIPIENTS) throw new InvalidInputError(`at most ${MAX_RECIPIENTS} userIds per request (got ${input.userIds.length})`);
  const userIds = [...new Set(input.userIds)];
  if (userIds.length === 0) throw new InvalidInputError('at least one user id is required');
  const badUserId = userIds.find((userId) => !isUserId(userId));
  if (badUserId !== undefined) throw new InvalidInputError(`${USER_ID_RULE} (got ${JSON.stringify(badUserId)})`);
  return {
    userIds,
    dataJson: serializedData(input.data, maxDataBytes),
    category: checkedText('category', input.category),
    idempotencyKey: checkedText('idempotencyKey', input.idempotencyKey),
    pushPolicy: checkedPushPolicy(input.push),
    pushDisplayJson: checkedPushDisplay(input.pushDisplay),
    key: checkedText('key', input.key),
    expiresAt: checkedExpiry(input, now),
    renotify: input.renotify ?? true,
  };
}

/** `expiresAt` or `ttl` (not both), after `now`; neither: null, it never expires. */
function checkedExpiry({ expiresAt, ttl }: NewNotifications, now: Date): Date | null {
  if (expiresAt !== undefined && ttl !== undefined) throw new InvalidInputError('give expiresAt or ttl, not both');
  let expiry: Date;
  if (ttl !== undefined) {
    const ms = parseDuration(ttl);
    if (ms === undefined || ms === 0) throw new InvalidInputError('ttl: expected a positive duration such as 30s, 15m, 2h or 7d');
    expiry = new Date(now.getTime() + ms);
  } else if (expiresAt !== undefined) {
    expiry = new Date(expiresAt);
    if (Number.isNaN(expiry.getTime())) throw new InvalidInputError('expiresAt: expected an ISO-8601 date-time');
  } else {
    return null;
  }
  if (expiry.getTime() <= now.getTime()) throw new InvalidInputError('expiresAt: must be in the future');
  if (expiry.getUTCFullYear() > 9999) throw new InvalidInputError('expiresAt: too far in the future');
  return expiry;
}

function serializedData(data: unknown, maxBytes: number): string {
  const json = data === undefined ? undefined : JSON.stringify(data);
  if (json === undefined) throw new InvalidInputError('data is required (any JSON value, null included)');
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes) throw new PayloadTooLargeError(`data is ${bytes} bytes as JSON; the limit is ${maxBytes}`);
  // JSON.stringify writes a NUL or an unpaired surrogate as an escape, which jsonb refuses:
  // refused here, before the batch that would carry it (and fail with it) is formed.
  const problem = jsonTextProblem(json);
  if (problem !== undefined) throw new InvalidInputError(`data: ${problem}`);
  return json;
}

function checkedText(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const length = [...value].length;
  if (length < 1 || length > MAX_TEXT_LENGTH || !isStorableText(value)) {
    throw new InvalidInputError(`${name}: expected 1-${MAX_TEXT_LENGTH} characters with ${STORABLE_TEXT_RULE}`);
  }
  return value;
}
