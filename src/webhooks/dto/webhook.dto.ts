import { ApiProperty } from '@nestjs/swagger';
import type { CreatedWebhook, WebhookRecord } from '../webhook.js';

export class CreatedWebhookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'PUBLIC_URL/hooks/<secret>: shown this once, never stored nor listed', example: 'https://pns.example.com/hooks/3q2-7wAbc…' })
  url: string;
}

/** A listed webhook: never its secret (which is not stored) nor its hash. */
export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookDto], description: 'newest first' })
  items: WebhookDto[];
}

export class HookCallDto {
  @ApiProperty({ description: 'the notification stored', example: '42' })
  id: string;
}

export function toCreatedWebhookDto({ id, url }: CreatedWebhook): CreatedWebhookDto {
  return { id, url };
}

export function toWebhookListDto(records: readonly WebhookRecord[]): WebhookListDto {
  return { items: records.map(({ id, createdAt }) => ({ id, createdAt: createdAt.toISOString() })) };
}
