import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';
import { IsIntBetween } from '../../notifications/dto/validation.js';
import { NotificationDto, toNotificationDto } from '../../notifications/dto/notification.dto.js';
import { MAX_CHANGES_PAGE, type ChangesPage } from '../inbox.js';

export class ChangesQuery {
  @ApiProperty({ description: 'the last version the client has: changes after it are answered', example: '17' })
  @Matches(/^\d{1,15}$/, { message: 'since must be a non-negative integer' })
  since: string;

  // Only plain digits become a number: "1.5", "1e2" or " 7" stay strings and fail.
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CHANGES_PAGE, default: 100 })
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value), { toClassOnly: true })
  @IsIntBetween(1, MAX_CHANGES_PAGE)
  limit: number = 100;
}

export class ChangeDto {
  @ApiProperty({ example: 18 })
  version: number;
  @ApiProperty({ enum: ['created', 'updated', 'seen', 'read', 'unread', 'archived', 'unarchived', 'snoozed', 'unsnoozed', 'deleted', 'expired'] })
  type: string;
  @ApiProperty({ format: 'date-time' })
  at: string;
  @ApiProperty({ type: [String], description: 'at most 1000' })
  ids: string[];
  @ApiPropertyOptional({ type: [NotificationDto], description: 'created, updated and unsnoozed only: those of ids that still exist, as they are now' })
  items?: NotificationDto[];
}

export class ChangesPageDto {
  @ApiProperty({ type: [ChangeDto], description: 'oldest first' })
  changes: ChangeDto[];
  @ApiProperty({ description: "the user's current version", example: 20 })
  version: number;
  @ApiProperty({ description: 'more changes follow the last one: ask again with its version' })
  hasMore: boolean;
}

export function toChangesPageDto(page: ChangesPage): ChangesPageDto {
  return {
    changes: page.changes.map(({ version, type, at, ids, items }) => ({
      version,
      type,
      at: at.toISOString(),
      ids,
      ...(items ? { items: items.map(toNotificationDto) } : {}),
    })),
    version: page.version,
    hasMore: page.hasMore,
  };
}
