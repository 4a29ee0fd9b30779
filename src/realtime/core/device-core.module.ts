import { Module } from '@nestjs/common';
import { BusModule } from '../../bus/bus.module.js';
import { UnseenChangesModule } from '../../bus/unseen-changes.module.js';
import { InboxModule } from '../../inbox/inbox.module.js';
import { NotificationsModule } from '../../notifications/notifications.module.js';
import { PreferencesModule } from '../../preferences/preferences.module.js';
import { PushModule } from '../../push/push.module.js';
import { WebhooksModule } from '../../webhooks/webhooks.module.js';
import { ConnectionCountsRepository } from './connection-counts.repository.js';
import { ConnectionsService } from './connections.service.js';
import { DeviceProtocol } from './device-protocol.js';
import { DeviceRegistry } from './device-registry.js';
import { InboxDelivery } from './inbox-delivery.js';
import { PreferencesDelivery } from './preferences-delivery.js';
import { UserConnectionLimit } from './user-connection-limit.js';

/**
 * The transport-neutral device core: who is connected (registry), what they may ask
 * (protocol), delivery of counts, changes and preferences, and drops. Each transport (websocket/, sse/, notifier/) imports it
 * and only translates between its wire format and these.
 */
@Module({
  imports: [BusModule, UnseenChangesModule, NotificationsModule, InboxModule, WebhooksModule, PushModule, PreferencesModule],
  providers: [DeviceRegistry, InboxDelivery, PreferencesDelivery, DeviceProtocol, ConnectionsService, UserConnectionLimit, ConnectionCountsRepository],
  exports: [DeviceRegistry, InboxDelivery, DeviceProtocol, ConnectionsService],
})
export class DeviceCoreModule {}
