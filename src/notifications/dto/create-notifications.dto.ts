import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiAnyJson } from '../../common/api-docs.js';
import { Transform } from 'class-transformer';
import { IsArray, IsInstance, IsString } from 'class-validator';
import { InvalidInputError } from '../../common/errors.js';
import { MAX_RECIPIENTS } from '../new-notifications.js';
import type { CreatedNotification, NewNotifications } from '../notification.js';
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
  @ApiAnyJson({ description: 'any JSON value, stored and delivered as posted', example: { title: 'Your order shipped' } })
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
  };
}

export class CreatedNotificationDto {
  @ApiProperty({ example: '42' })
  id: string;
  @ApiProperty({ example: 'u1' })
  userId: string;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CreatedNotificationsDto {
  @ApiProperty({ type: [CreatedNotificationDto] })
  notifications: CreatedNotificationDto[];
}

export function toCreatedNotificationsDto(created: readonly CreatedNotification[]): CreatedNotificationsDto {
  return { notifications: created.map(({ id, userId, createdAt }) => ({ id, userId, createdAt: createdAt.toISOString() })) };
}
