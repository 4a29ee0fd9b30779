import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsString, Length } from 'class-validator';
import { NOTIFICATION_STATES, type NotificationState } from '../notification.js';
import { IsIntBetween, IsOmittable, IsStorableText } from './validation.js';

const MAX_PAGE_SIZE = 500;
const MAX_CATEGORIES = 100;

export class ListNotificationsQuery {
  @ApiPropertyOptional({ enum: NOTIFICATION_STATES, default: 'all' })
  @IsIn(NOTIFICATION_STATES, { message: `state must be one of ${NOTIFICATION_STATES.join(', ')}` })
  state: NotificationState = 'all';

  // Only plain digits become a number: "1.5", "1e2", " 7" or "0x10" stay strings and fail.
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value), { toClassOnly: true })
  @IsIntBetween(1, MAX_PAGE_SIZE)
  limit: number = 50;

  // `?category=a&category=b` arrives as an array, a single `?category=a` as a string.
  @ApiPropertyOptional({ description: 'only these categories (repeat the parameter for several)', type: [String], maxItems: MAX_CATEGORIES })
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value), { toClassOnly: true })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_CATEGORIES)
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  @IsStorableText({ each: true })
  category?: string[];

  @ApiPropertyOptional({ description: "the previous page's nextCursor" })
  @IsOmittable()
  @IsString()
  cursor?: string;
}
