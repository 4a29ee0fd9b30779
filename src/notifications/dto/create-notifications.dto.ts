import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInstance, IsString, Length } from 'class-validator';
import { InvalidInputError } from '../../common/errors.js';
import { IsUserId } from '../../common/user-id.js';
import type { CreatedNotification, NewNotifications } from '../notification.js';
import { OpaqueJson } from '../opaque-data.interceptor.js';
import { exactlyOneOf, IsOmittable } from './validation.js';

const MAX_RECIPIENTS = 1000;

export class CreateNotificationsBody {
  @IsOmittable()
  @IsUserId()
  userId?: string;

  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RECIPIENTS)
  @IsUserId({ each: true })
  userIds?: string[];

  // Wrapped by OpaqueDataInterceptor when the key was sent, whatever its value (null too);
  // the transform keeps that wrapper rather than class-transformer's empty copy of it.
  @IsInstance(OpaqueJson, { message: 'data is required (any JSON value, null included)' })
  @Transform(({ obj }) => (obj as { data?: unknown }).data, { toClassOnly: true })
  data: OpaqueJson;

  @IsOmittable()
  @IsString()
  @Length(1, 255)
  category?: string;

  @IsOmittable()
  @IsString()
  @Length(1, 255)
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

export interface CreatedNotificationDto {
  id: string;
  userId: string;
  createdAt: string;
}

export function toCreatedNotificationsDto(created: readonly CreatedNotification[]): { notifications: CreatedNotificationDto[] } {
  return { notifications: created.map(({ id, userId, createdAt }) => ({ id, userId, createdAt: createdAt.toISOString() })) };
}
