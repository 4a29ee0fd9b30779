import { Module } from '@nestjs/common';
import { UnseenChangesModule } from '../bus/unseen-changes.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { InboxController } from './inbox.controller.js';
import { InboxFeedRepository } from './inbox-feed.repository.js';
import { InboxRepository } from './inbox.repository.js';
import { InboxService } from './inbox.service.js';

@Module({
  imports: [UnseenChangesModule, NotificationsModule],
  controllers: [InboxController],
  providers: [InboxService, InboxRepository, InboxFeedRepository],
  // The feed is live delivery's batched read (src/realtime/core/inbox-delivery.ts).
  exports: [InboxService, InboxFeedRepository],
})
export class InboxModule {}
