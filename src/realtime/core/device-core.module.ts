import { Module } from '@nestjs/common';
import { BusModule } from '../../bus/bus.module.js';
import { NotificationsModule } from '../../notifications/notifications.module.js';
import { PushModule } from '../../push/push.module.js';
import { WebhooksModule } from '../../webhooks/webhooks.module.js';
import { ConnectionsService } from './connections.service.js';
import { CountPusher } from './count-pusher.js';
import { DeviceProtocol } from './device-protocol.js';
import { DeviceRegistry } from './device-registry.js';

/**
 * The transport-neutral device core: who is connected (registry), what they may ask
 * (protocol), count delivery and drops. Each transport (websocket/, sse/, notifier/) imports it
 * and only translates between its wire format and these.
 */
@Module({
  imports: [BusModule, NotificationsModule, WebhooksModule, PushModule],
  providers: [DeviceRegistry, CountPusher, DeviceProtocol, ConnectionsService],
  exports: [DeviceRegistry, CountPusher, DeviceProtocol, ConnectionsService],
})
export class DeviceCoreModule {}
