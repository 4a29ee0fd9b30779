import { ApiProperty } from '@nestjs/swagger';
import { ApiAnyJson } from '../../common/api-docs.js';
import type { NotificationRecord } from '../notification.js';

export class NotificationDto {
  @ApiProperty({ example: '42' })
  id: string;
  @ApiProperty({ example: 'u1' })
  userId: string;
  @ApiAnyJson({ description: 'the data as posted' })
  data: unknown;
  @ApiProperty({ type: String, nullable: true, example: 'orders' })
  category: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  seenAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'reading also marks seen; null again when marked unread' })
  readAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'archived: out of the inbox, its counts and its lists but `archived`' })
  archivedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when it was last replaced by key' })
  updatedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'its replace-by-key key' })
  key: string | null;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] })
  items: NotificationDto[];
  @ApiProperty({ type: String, nullable: true, description: 'opaque; pass as ?cursor= for the next page' })
  nextCursor: string | null;
}

export class UnseenCountDto {
  @ApiProperty({ example: 'u1' })
  userId: string;
  @ApiProperty({ example: 3 })
  count: number;
  @ApiProperty({ description: "the user's inbox version this count is as of", example: 17 })
  version: number;
}

export function toNotificationDto(record: NotificationRecord): NotificationDto {
  return {
    id: record.id,
    userId: record.userId,
    data: record.data,
    category: record.category,
    createdAt: record.createdAt.toISOString(),
    seenAt: record.seenAt?.toISOString() ?? null,
    readAt: record.readAt?.toISOString() ?? null,
    archivedAt: record.archivedAt?.toISOString() ?? null,
    updatedAt: record.updatedAt?.toISOString() ?? null,
    expiresAt: record.expiresAt?.toISOString() ?? null,
    key: record.key,
  };
}

export function toNotificationPageDto(page: { items: readonly NotificationRecord[]; nextCursor: string | null }): NotificationPageDto {
  return { items: page.items.map(toNotificationDto), nextCursor: page.nextCursor };
}
