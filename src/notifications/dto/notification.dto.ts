import type { NotificationRecord } from '../notification.js';

export interface NotificationDto {
  id: string;
  userId: string;
  data: unknown;
  category: string | null;
  createdAt: string;
  seenAt: string | null;
}

export function toNotificationDto(record: NotificationRecord): NotificationDto {
  return {
    id: record.id,
    userId: record.userId,
    data: record.data,
    category: record.category,
    createdAt: record.createdAt.toISOString(),
    seenAt: record.seenAt?.toISOString() ?? null,
  };
}

export function toNotificationPageDto(page: { items: readonly NotificationRecord[]; nextCursor: string | null }): { items: NotificationDto[]; nextCursor: string | null } {
  return { items: page.items.map(toNotificationDto), nextCursor: page.nextCursor };
}
