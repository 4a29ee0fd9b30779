import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';
import type { PushSubscriptionRecord } from '../push-subscription.js';

/**
 * Exactly one of the two, as the browser's PushSubscription.toJSON() or the FCM SDK give
 * them; checked in depth by the service, which device frames reach without this class.
 */
export class CreatePushSubscriptionBody {
  @ApiPropertyOptional({
    description: 'a browser subscription; the endpoint must be https on an allowed push service (PUSH_ENDPOINTS)',
    example: { endpoint: 'https://fcm.googleapis.com/fcm/send/…', keys: { p256dh: 'BN…(65 bytes, base64url)', auth: '…(16 bytes, base64url)' } },
  })
  @IsOptional()
  @IsObject()
  webpush?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'a native app registration token', example: { token: 'fcm-registration-token', platform: 'android' } })
  @IsOptional()
  @IsObject()
  fcm?: Record<string, unknown>;
}

export class CreatedPushSubscriptionDto {
  @ApiProperty({ format: 'uuid', description: 'the same endpoint or token subscribed again answers the same id' })
  id: string;
}

/** Never the endpoint, token or keys. */
export class PushSubscriptionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ enum: ['webpush', 'fcm'] })
  kind: 'webpush' | 'fcm';
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'the last push its service accepted' })
  lastSuccessAt: string | null;
}

export class PushSubscriptionListDto {
  @ApiProperty({ type: [PushSubscriptionDto], description: 'newest first' })
  items: PushSubscriptionDto[];
}

export class VapidPublicKeyDto {
  @ApiProperty({ description: 'the applicationServerKey for pushManager.subscribe(), base64url' })
  publicKey: string;
}

export function toPushSubscriptionListDto(records: readonly PushSubscriptionRecord[]): PushSubscriptionListDto {
  return {
    items: records.map(({ id, kind, createdAt, lastSuccessAt }) => ({ id, kind, createdAt: createdAt.toISOString(), lastSuccessAt: lastSuccessAt?.toISOString() ?? null })),
  };
}
