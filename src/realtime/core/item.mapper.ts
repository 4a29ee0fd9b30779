import type { NotificationRecord } from '../../notifications/notifications.service.js';
import type { Item } from './frames.js';

export function toItem(record: NotificationRecord): Item {
  const item: Item = { id: record.id, notification_data: record.data, create_date: record.createdAt.toISOString() };
  if (record.seenAt !== null) item.seen_date = record.seenAt.toISOString();
  if (record.category !== null) item.category = record.category;
  if (record.readAt !== null) item.read_date = record.readAt.toISOString();
  if (record.archivedAt !== null) item.archive_date = record.archivedAt.toISOString();
  if (record.updatedAt !== null) item.update_date = record.updatedAt.toISOString();
  if (record.expiresAt !== null) item.expire_date = record.expiresAt.toISOString();
  if (record.key !== null) item.key = record.key;
  return item;
}
