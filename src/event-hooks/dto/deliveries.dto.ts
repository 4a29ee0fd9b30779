import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn } from 'class-validator';
import { IsIntBetween, IsOmittable } from '../../notifications/dto/validation.js';
import type { DeliveryRecord } from '../event-hook.js';
import { DELIVERY_STATUSES, EVENT_TYPES, type DeliveryStatus, type EventType } from '../event-types.js';

const MAX_LIMIT = 500;

export class ListDeliveriesQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'unset: every status' })
  @IsOmittable()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: 100 })
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value), { toClassOnly: true })
  @IsIntBetween(1, MAX_LIMIT)
  limit: number = 100;
}

export class DeliveryDto {
  @ApiProperty({ description: 'also the webhook-id header, as msg_<id>', example: '17' })
  id: string;
  @ApiProperty({ enum: EVENT_TYPES })
  type: EventType;
  @ApiProperty({ enum: DELIVERY_STATUSES })
  status: DeliveryStatus;
  @ApiProperty()
  attempts: number;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastAttemptAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'pending only: when the next attempt is due' })
  nextAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'attempt 3: answered 503' })
  lastError: string | null;
  @ApiProperty({ description: 'the event as sent: {"type", "timestamp", "data"}', type: 'object', additionalProperties: true })
  event: unknown;
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryDto], description: 'newest first' })
  items: DeliveryDto[];
}

export function toDeliveryListDto(deliveries: readonly DeliveryRecord[]): DeliveryListDto {
  return {
    items: deliveries.map((delivery) => ({
      id: delivery.id,
      type: delivery.type,
      status: delivery.status,
      attempts: delivery.attempts,
      createdAt: delivery.createdAt.toISOString(),
      lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
      nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
      lastError: delivery.lastError,
      event: delivery.payload,
    })),
  };
}
