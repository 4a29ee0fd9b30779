import { randomBytes } from 'node:crypto';
import type { CreatedNotification, NotificationsService } from '../../src/notifications/notifications.service';

/** A user id no other test uses. */
export function newUser(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** One notification of `userId`, created as POST /api/notifications creates it. */
export async function newNotification(notifications: NotificationsService, userId: string, data: unknown = {}, category?: string): Promise<CreatedNotification> {
  const [created] = await notifications.create({ userIds: [userId], data, category });
  return created;
}

/** Notifications of `userId`, one per `data`, created one after the other (so oldest first). */
export async function newNotifications(notifications: NotificationsService, userId: string, data: readonly unknown[]): Promise<CreatedNotification[]> {
  const created: CreatedNotification[] = [];
  for (const item of data) created.push(await newNotification(notifications, userId, item));
  return created;
}
