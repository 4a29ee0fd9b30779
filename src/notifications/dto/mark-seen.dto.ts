import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsString } from 'class-validator';
import type { SeenTarget } from '../notifications.service.js';
import { exactlyOneOf, IsOmittable } from './validation.js';

const MAX_IDS = 1000;

export class MarkSeenBody {
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IDS)
  @IsString({ each: true })
  ids?: string[];

  @IsOmittable()
  @Equals(true)
  all?: true;
}

/** Ids are any strings: one that cannot name a notification simply matches none (see NotificationsService.markSeen). */
export function toSeenTarget(body: MarkSeenBody): SeenTarget {
  return exactlyOneOf(body, ['ids', 'all']) === 'ids' ? { ids: body.ids! } : { all: true };
}
