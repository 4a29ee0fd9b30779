import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { ChangesPage, Counts, MarkTarget } from '../inbox/inbox.js';
import { InboxService } from '../inbox/inbox.service.js';
import { checkedRows } from '../notifications/new-notifications.js';
import type { CreatedNotification, NewNotifications } from '../notifications/notification.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { TransactionalNotifyRepository, type TransactionClient } from './transactional-notify.repository.js';

export type { ChangesPage, Counts, MarkTarget } from '../inbox/inbox.js';
export type { CreatedNotification, NewNotifications } from '../notifications/notification.js';
export type { TransactionClient } from './transactional-notify.repository.js';

const DEFAULT_CHANGES_LIMIT = 100;

/** What the application pns is mounted in calls directly, instead of its REST routes (docs/embedding.md). */
@Injectable()
export class PnsService {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly inbox: InboxService,
    private readonly transactional: TransactionalNotifyRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * Stores one notification per user and announces it to their devices. With `client` (the
   * application's `pg` connection inside its open transaction) it is written in that
   * transaction: it exists, and devices hear of it, only once the application commits.
   */
  notify(input: NewNotifications, options: { client?: TransactionClient } = {}): Promise<CreatedNotification[]> {
    if (!options.client) return this.notifications.create(input);
    return this.transactional.insertAndAnnounce(options.client, checkedRows(input, this.config.maxNotificationBytes));
  }

  counts(userId: string): Promise<Counts> {
    return this.inbox.counts(userId);
  }

  mark(userId: string, target: MarkTarget): Promise<{ updated: number; counts: Counts }> {
    return this.inbox.mark(userId, target);
  }

  changes(userId: string, since: number, limit = DEFAULT_CHANGES_LIMIT): Promise<ChangesPage> {
    return this.inbox.changesSince(userId, since, limit);
  }
}
