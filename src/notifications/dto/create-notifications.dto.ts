import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsInstance, IsISO8601, IsObject, IsString } from 'class-validator';
import { PUSH_POLICIES } from '../../push/push-display.js';
import { InvalidInputError } from '../../common/errors.js';
import { MAX_RECIPIENTS } from '../new-notifications.js';
import type { IngestOutcome, NewNotifications } from '../notification.js';
import { OpaqueJson } from '../opaque-data.interceptor.js';
import { exactlyOneOf, IsOmittable } from './validation.js';

/**
 * The JSON types of the body only: the rules of a notification (user ids, how many, sizes) are
 * checked once, for every transport, by NotificationsService (new-notifications.ts).
 */
export class CreateNotificationsBody {
  @ApiPropertyOptional({ description: 'the recipient (give userId or userIds)', example: 'u1', minLength: 1, maxLength: 255 })
  @IsOmittable()
  @IsString()
  userId?: string;

  @ApiPropertyOptional({ description: 'up to 1000 recipients, one notification each', type: [String], maxItems: MAX_RECIPIENTS })
  @IsOmittable()
  @IsArray()
  @IsString({ each: true })
  userIds?: string[];

  // Wrapped by OpaqueDataInterceptor when the key was sent, whatever its value (null too);
  // the transform keeps that wrapper rather than class-transformer's empty copy of it.
  @ApiProperty({ description: 'any JSON value, stored and delivered as posted', type: 'object', additionalProperties: true, example: { title: 'Your order shipped' } })
  @IsInstance(OpaqueJson, { message: 'data is required (any JSON value, null included)' })
  @Transform(({ obj }) => (obj as { data?: unknown }).data, { toClassOnly: true })
  data: OpaqueJson;

  @ApiPropertyOptional({ example: 'orders', minLength: 1, maxLength: 255 })
  @IsOmittable()
  @IsString()
  category?: string;

  @ApiPropertyOptional({ description: 'a retry with the same key for the same user creates nothing new', example: 'order-1234-shipped' })
  @IsOmittable()
  @IsString()
  idempotencyKey?: string;

  @ApiPropertyOptional({ enum: PUSH_POLICIES, default: 'offline', description: 'offline: pushed when still unseen PUSH_GRACE later and no device of the user was live meanwhile; always: at once; never (docs/push.md)' })
  @IsOmittable()
  @IsString()
  push?: string;

  @ApiPropertyOptional({ description: 'how the push shows: title (1-255 characters), body? (up to 1024), url? (http(s), or a path of the page origin)', example: { title: 'Order shipped', body: 'Arrives tomorrow', url: '/orders/1234' } })
  @IsOmittable()
  @IsObject()
  pushDisplay?: Record<string, unknown>;
  @ApiPropertyOptional({ description: "replace the user's notification with this key (same id) instead of adding one", example: 'build-1234', minLength: 1, maxLength: 255 })
  @IsOmittable()
  @IsString()
  key?: string;

  @ApiPropertyOptional({ description: 'with key: false keeps the replaced notification seen/read/archived/snoozed as it was', default: true })
  @IsOmittable()
  @IsBoolean()
  renotify?: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'deleted at this instant (give expiresAt or ttl); never listed after it' })
  @IsOmittable()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'expiresAt must be an ISO-8601 date-time' })
  expiresAt?: string;

  @ApiPropertyOptional({ description: 'expires this long after it is stored: 30s, 15m, 2h, 7d', example: '2h' })
  @IsOmittable()
  @IsString()
  ttl?: string;
}

/** The body plus the `Idempotency-Key` header, which may repeat the body's key but not contradict it. */
export function toNewNotifications(body: CreateNotificationsBody, idempotencyKeyHeader: string | undefined): NewNotifications {
  const recipients = exactlyOneOf(body, ['userId', 'userIds']);
  if (idempotencyKeyHeader !== undefined && body.idempotencyKey !== undefined && idempotencyKeyHeader !== body.idempotencyKey) {
    throw new InvalidInputError('the Idempotency-Key header and idempotencyKey in the body differ');
  }
  return {
    userIds: recipients === 'userId' ? [body.userId!] : body.userIds!,
    data: body.data.value,
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
