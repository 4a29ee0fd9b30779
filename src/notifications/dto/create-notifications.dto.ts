import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiAnyJson } from '../../common/api-docs.js';
import { isISO8601 } from 'class-validator';
import { PUSH_POLICIES } from '../../push/push-display.js';
import { InvalidInputError } from '../../common/errors.js';
import { MAX_RECIPIENTS } from '../new-notifications.js';
import type { IngestOutcome, NewNotifications } from '../notification.js';
import { exactlyOneOf } from './validation.js';

/**
 * The body of POST /api/notifications, as documented. Its JSON types are checked by
 * readCreateNotificationsBody below; the rules of a notification (user ids, how many, sizes)
 * are checked once, for every transport, by NotificationsService (new-notifications.ts).
 */
export class CreateNotificationsBody {
  @ApiPropertyOptional({ description: 'the recipient (give userId or userIds)', example: 'u1', minLength: 1, maxLength: 255 })
  userId?: string;

  @ApiPropertyOptional({ description: 'up to 1000 recipients, one notification each', type: [String], maxItems: MAX_RECIPIENTS })
  userIds?: string[];

  @ApiAnyJson({ description: 'any JSON value, stored and delivered as posted', example: { title: 'Your order shipped' } })
  data: unknown;

  @ApiPropertyOptional({ example: 'orders', minLength: 1, maxLength: 255 })
  category?: string;

  @ApiPropertyOptional({ description: 'a retry with the same key for the same user creates nothing new', example: 'order-1234-shipped' })
  idempotencyKey?: string;

  @ApiPropertyOptional({ enum: PUSH_POLICIES, default: 'offline', description: 'offline: pushed when still unseen PUSH_GRACE later and no device of the user was live meanwhile; always: at once; never (docs/push.md)' })
  push?: string;

  @ApiPropertyOptional({ description: 'how the push shows: title (1-255 characters), body? (up to 1024), url? (http(s), or a path of the page origin)', example: { title: 'Order shipped', body: 'Arrives tomorrow', url: '/orders/1234' } })
  pushDisplay?: Record<string, unknown>;

  @ApiPropertyOptional({ description: "replace the user's notification with this key (same id) instead of adding one", example: 'build-1234', minLength: 1, maxLength: 255 })
  key?: string;

  @ApiPropertyOptional({ description: 'with key: false keeps the replaced notification seen/read/archived/snoozed as it was', default: true })
  renotify?: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'deleted at this instant (give expiresAt or ttl); never listed after it' })
  expiresAt?: string;

  @ApiPropertyOptional({ description: 'expires this long after it is stored: 30s, 15m, 2h, 7d', example: '2h' })
  ttl?: string;
}

const isString = (value: unknown): boolean => typeof value === 'string';
const isStringArray = (value: unknown): boolean => Array.isArray(value) && value.every(isString);

/** Each field's JSON type, refused with the message a class-validator decorator would give. */
const FIELD_RULES = new Map<string, { accepts: (value: unknown) => boolean; message: string }>([
  ['userId', { accepts: isString, message: 'userId must be a string' }],
  ['userIds', { accepts: isStringArray, message: 'userIds must be an array of strings' }],
  ['data', { accepts: () => true, message: '' }],
  ['category', { accepts: isString, message: 'category must be a string' }],
  ['idempotencyKey', { accepts: isString, message: 'idempotencyKey must be a string' }],
  ['push', { accepts: isString, message: 'push must be a string' }],
  ['pushDisplay', { accepts: (value) => typeof value === 'object' && value !== null && !Array.isArray(value), message: 'pushDisplay must be an object' }],
  ['key', { accepts: isString, message: 'key must be a string' }],
  ['renotify', { accepts: (value) => typeof value === 'boolean', message: 'renotify must be a boolean value' }],
  ['expiresAt', { accepts: (value) => isISO8601(value, { strict: true, strictSeparator: true }), message: 'expiresAt must be an ISO-8601 date-time' }],
  ['ttl', { accepts: isString, message: 'ttl must be a string' }],
]);

/**
 * The body's JSON types, checked here by hand rather than by decorators and the ValidationPipe:
 * this is the hottest route, and the pipe's metadata walk, its class-transformer copy and the
 * interceptor that kept `data` out of that copy cost a fifth of the memory each post allocated
 * (docs/performance.md, section 8). `data` is opaque, never walked: stored as posted. A key
 * sent as null is checked, and refused, so `{"userId": null}` is not taken for "no userId".
 */
function readCreateNotificationsBody(body: unknown): CreateNotificationsBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInputError('the body must be a JSON object');
  const problems: string[] = [];
  for (const key of Object.keys(body)) {
    const rule = FIELD_RULES.get(key);
    if (rule === undefined) problems.push(`property ${key} should not exist`);
    else if (!rule.accepts((body as Record<string, unknown>)[key])) problems.push(rule.message);
  }
  if (!Object.hasOwn(body, 'data')) problems.push('data is required (any JSON value, null included)');
  if (problems.length > 0) throw new InvalidInputError(problems.join('; '));
  return body as CreateNotificationsBody;
}

/** The body plus the `Idempotency-Key` header, which may repeat the body's key but not contradict it. */
export function toNewNotifications(sent: unknown, idempotencyKeyHeader: string | undefined): NewNotifications {
  const body = readCreateNotificationsBody(sent);
  const recipients = exactlyOneOf(body, ['userId', 'userIds']);
  if (idempotencyKeyHeader !== undefined && body.idempotencyKey !== undefined && idempotencyKeyHeader !== body.idempotencyKey) {
    throw new InvalidInputError('the Idempotency-Key header and idempotencyKey in the body differ');
  }
  return {
    userIds: recipients === 'userId' ? [body.userId!] : body.userIds!,
    data: body.data,
    category: body.category,
    idempotencyKey: body.idempotencyKey ?? idempotencyKeyHeader,
    push: body.push,
    pushDisplay: body.pushDisplay,
    key: body.key,
    renotify: body.renotify,
    expiresAt: body.expiresAt,
    ttl: body.ttl,
  };
}

/** One per recipient: the notification stored (or replaced), or `suppressed` and nothing stored. */
export class CreatedNotificationDto {
  @ApiPropertyOptional({ example: '42', description: 'absent when suppressed' })
  id?: string;
  @ApiProperty({ example: 'u1' })
  userId: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'absent when suppressed; a replacement keeps the original one' })
  createdAt?: string;
  @ApiPropertyOptional({ enum: [true], description: "it replaced the user's notification with this key" })
  replaced?: true;
  @ApiPropertyOptional({ enum: ['preference'], description: "the user's preferences keep this category out of their inbox: nothing stored" })
  suppressed?: 'preference';
}

export class CreatedNotificationsDto {
  @ApiProperty({ type: [CreatedNotificationDto], description: 'in the order of the recipients given' })
  notifications: CreatedNotificationDto[];
}

export function toCreatedNotificationsDto(outcomes: readonly IngestOutcome[]): CreatedNotificationsDto {
  return {
    notifications: outcomes.map((outcome) =>
      'suppressed' in outcome
        ? { userId: outcome.userId, suppressed: outcome.suppressed }
        : { id: outcome.id, userId: outcome.userId, createdAt: outcome.createdAt.toISOString(), ...(outcome.replaced ? { replaced: true as const } : {}) },
    ),
  };
}
