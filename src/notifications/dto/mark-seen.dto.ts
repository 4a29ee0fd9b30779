import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsString } from 'class-validator';
import type { SeenTarget } from '../notifications.service.js';
import { exactlyOneOf, IsOmittable } from './validation.js';

const MAX_IDS = 1000;

export class MarkSeenBody {
  @ApiPropertyOptional({ description: 'these notifications of the user (give ids or all)', type: [String], maxItems: MAX_IDS, example: ['42'] })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IDS)
  @IsString({ each: true })
  ids?: string[];

  @ApiPropertyOptional({ description: "every unseen notification of the user", enum: [true] })
  @IsOmittable()
  @Equals(true)
  all?: true;
}

export class SeenResultDto {
  @ApiProperty({ description: 'notifications that were unseen and are now seen', example: 1 })
  updated: number;
  @ApiProperty({ description: 'the unseen count now', example: 0 })
  count: number;
  @ApiProperty({ description: "the user's inbox version the count is as of", example: 18 })
  version: number;
}

/** Ids are any strings: one that cannot name a notification simply matches none (see NotificationsService.markSeen). */
export function toSeenTarget(body: MarkSeenBody): SeenTarget {
  return exactlyOneOf(body, ['ids', 'all']) === 'ids' ? { ids: body.ids! } : { all: true };
}
