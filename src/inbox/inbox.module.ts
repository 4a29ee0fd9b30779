import { Module } from '@nestjs/common';
import { UnseenChangesModule } from '../bus/unseen-changes.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { InboxController } from './inbox.controller.js';
import { InboxRepository } from './inbox.repository.js';
import { InboxService } from './inbox.service.js';

@Module({
  imports: [UnseenChangesModule, NotificationsModule],
  controllers: [InboxController],
  providers: [InboxService, InboxRepository],
  exports: [InboxService],
})
export class InboxModule {}
