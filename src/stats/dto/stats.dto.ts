import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsString, Length } from 'class-validator';
import { InvalidInputError } from '../../common/errors.js';
import { IsOmittable, IsStorableText } from '../../notifications/dto/validation.js';
import type { CategoryCounts, GlobalStats, StatsWindow, UserStats } from '../stats.js';

const DAY_MS = 86_400_000;

export class StatsQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'default: a day before `to`; counted by whole UTC hours' })
  @IsOmittable()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'default: now' })
  @IsOmittable()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date-time' })
  to?: string;

  @ApiPropertyOptional({ description: 'only this category' })
  @IsOmittable()
  @IsString()
  @Length(1, 255)
  @IsStorableText()
  category?: string;
}

export function toStatsWindow(query: StatsQuery, now: Date): StatsWindow {
  const to = query.to === undefined ? now : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - DAY_MS) : new Date(query.from);
  if (from >= to) throw new InvalidInputError('from must be before to');
  return { from, to, category: query.category };
}

export class GlobalStatsDto {
  @ApiProperty({ description: 'notifications created in the window' })
  created: number;
  @ApiProperty({ description: 'notifications that became seen in the window' })
  seen: number;
  @ApiProperty({ description: 'notifications that became read in the window' })
  read: number;
  @ApiProperty({ nullable: true, type: Number, description: 'of those seen in the window; exact below 10 s, else within 12% (see docs/events.md)' })
  medianSecondsToSeen: number | null;
  @ApiProperty()
  pushSent: number;
  @ApiProperty()
  pushFailed: number;
}

export function toGlobalStatsDto(stats: GlobalStats): GlobalStatsDto {
  const { created, seen, read, medianSecondsToSeen, pushSent, pushFailed } = stats;
  return { created, seen, read, medianSecondsToSeen, pushSent, pushFailed };
}

export class CategoryCountsDto {
  @ApiProperty()
  total: number;
  @ApiProperty()
  unseen: number;
  @ApiProperty()
  unread: number;
}

export class UserStatsDto {
  @ApiProperty({ description: 'notifications in the inbox (not archived, not snoozed)' })
  total: number;
  @ApiProperty()
  unseen: number;
  @ApiProperty()
  unread: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/CategoryCountsDto' }, description: 'every category with total > 0' })
  byCategory: Record<string, CategoryCounts>;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastSeenAt: string | null;
  @ApiProperty({ description: 'live device connections of the user on the instance that answers' })
  liveDevices: number;
}

export function toUserStatsDto(stats: UserStats): UserStatsDto {
  return { ...stats, lastSeenAt: stats.lastSeenAt?.toISOString() ?? null };
}
