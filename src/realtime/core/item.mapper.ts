import type { NotificationRecord } from '../../notifications/notifications.service.js';
import type { Item } from './frames.js';

export function toItem(record: NotificationRecord): Item {
  const item: Item = { id: record.id, notification_data: record.data, create_date: record.createdAt.toISOString() };
  if (record.seenAt !== null) item.seen_date = record.seenAt.toISOString();
  if (record.category !== null) item.category = record.category;
  return item;
}
