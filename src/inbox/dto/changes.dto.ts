import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';
import { IsIntBetween } from '../../notifications/dto/validation.js';
import type { Item } from '../../realtime/core/frames.js';
import { toItem } from '../../realtime/core/item.mapper.js';
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

/** A notification as a change carries it: the device protocol's Item, the same over REST and devices (docs/protocol.md, Item). */
export class ChangeItemDto implements Item {
  @ApiProperty({ example: '42' })
  id: string;
  @ApiProperty({ description: 'the data as posted: any JSON value' })
  notification_data: unknown;
  @ApiProperty({ format: 'date-time' })
  create_date: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'present once seen' })
  seen_date?: string;
  @ApiPropertyOptional({ description: 'present when it has one' })
  category?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  read_date?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  archive_date?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  update_date?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  expire_date?: string;
  @ApiPropertyOptional()
  key?: string;
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
  @ApiPropertyOptional({ type: [ChangeItemDto], description: 'created, updated and unsnoozed only: those of ids that still exist, as they are now' })
  items?: ChangeItemDto[];
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
      ...(items ? { items: items.map(toItem) } : {}),
    })),
    version: page.version,
    hasMore: page.hasMore,
  };
}
