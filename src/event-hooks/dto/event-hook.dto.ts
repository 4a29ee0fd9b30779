import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString } from 'class-validator';
import type { CreatedEventHook, EventHookRecord } from '../event-hook.js';
import { EVENT_TYPES, type EventType } from '../event-types.js';

export class CreateEventHookBody {
  @ApiProperty({ description: 'https (or http) to a public address; private and loopback targets need EVENT_HOOK_ALLOW_PRIVATE=true', example: 'https://app.example/pns-events' })
  @IsString()
  url: string;

  @ApiProperty({ enum: EVENT_TYPES, isArray: true, example: ['notification.created', 'notification.read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true, message: `each event must be one of ${EVENT_TYPES.join(', ')}` })
  events: EventType[];
}

export class CreatedEventHookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'the signing secret (Standard Webhooks): shown in this answer only', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret: string;
}

/** A listed hook: never its secret. */
export class EventHookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  url: string;
  @ApiProperty({ enum: EVENT_TYPES, isArray: true })
  events: EventType[];
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class EventHookListDto {
  @ApiProperty({ type: [EventHookDto], description: 'oldest first' })
  items: EventHookDto[];
}

export function toCreatedEventHookDto({ id, secret }: CreatedEventHook): CreatedEventHookDto {
  return { id, secret };
}

export function toEventHookListDto(hooks: readonly EventHookRecord[]): EventHookListDto {
  return { items: hooks.map(({ id, url, events, createdAt }) => ({ id, url, events, createdAt: createdAt.toISOString() })) };
}
