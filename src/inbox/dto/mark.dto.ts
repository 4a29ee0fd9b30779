import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsIn, IsISO8601, IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { NOTIFICATION_STATES, type NotificationState } from '../../notifications/notification.js';
import { exactlyOneOf, IsOmittable } from '../../notifications/dto/validation.js';
import { MARK_SETS, MAX_MARK_IDS, type MarkSet, type MarkTarget } from '../inbox.js';
import { CountsDto } from './counts.dto.js';

const MAX_FILTER_CATEGORIES = 100;

export class MarkFilterBody {
  @ApiPropertyOptional({ description: 'a category, or several', oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value), { toClassOnly: true })
  @IsOmittable()
  @IsArray({ message: 'filter.category must be a string or an array of strings' })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FILTER_CATEGORIES)
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  category?: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'only notifications created before this instant' })
  @IsOmittable()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'filter.createdBefore must be an ISO-8601 date-time' })
  createdBefore?: string;

  @ApiPropertyOptional({ enum: NOTIFICATION_STATES, description: 'as the list state of the same name' })
  @IsOmittable()
  @IsIn(NOTIFICATION_STATES, { message: `filter.state must be one of ${NOTIFICATION_STATES.join(', ')}` })
  state?: NotificationState;
}

export class MarkBody {
  @ApiProperty({ enum: MARK_SETS, description: 'read and archived also mark seen; snoozed needs until' })
  @IsIn(MARK_SETS, { message: `set must be one of ${MARK_SETS.join(', ')}` })
  set: MarkSet;

  @ApiPropertyOptional({ description: 'these notifications of the user (give exactly one of ids, filter, all)', type: [String], maxItems: MAX_MARK_IDS })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MARK_IDS)
  @IsString({ each: true })
  ids?: string[];

  @ApiPropertyOptional({ type: MarkFilterBody, description: "the user's notifications matching every condition given" })
  @IsOmittable()
  @IsObject({ message: 'filter must be an object' })
  @ValidateNested()
  @Type(() => MarkFilterBody)
  filter?: MarkFilterBody;

  @ApiPropertyOptional({ enum: [true], description: "every notification of the user" })
  @IsOmittable()
  @Equals(true)
  all?: true;

  @ApiPropertyOptional({ format: 'date-time', description: 'with set "snoozed" (and only then): hidden until this instant, in the future' })
  @IsOmittable()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'until must be an ISO-8601 date-time' })
  until?: string;
}

/** For every transport (REST and the device markRequest): the body's meaning, checked further by InboxService.mark. */
export function toMarkTarget(body: MarkBody): MarkTarget {
  const selector = exactlyOneOf(body, ['ids', 'filter', 'all']);
  const until = body.until === undefined ? {} : { until: new Date(body.until) };
  if (selector === 'ids') return { set: body.set, selector: { ids: body.ids! }, ...until };
  if (selector === 'all') return { set: body.set, selector: { all: true }, ...until };
  const { category, createdBefore, state } = body.filter!;
  return { set: body.set, selector: { filter: { categories: category, createdBefore: createdBefore === undefined ? undefined : new Date(createdBefore), state } }, ...until };
}

export class MarkResultDto {
  @ApiProperty({ description: 'notifications whose mark changed', example: 3 })
  updated: number;
  @ApiProperty({ type: CountsDto })
  counts: CountsDto;
}
