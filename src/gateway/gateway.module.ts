import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { BusModule } from '../bus/bus.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ConnectionsController } from './connections.controller.js';
import { ConnectionsService } from './connections.service.js';
import { CountPusher } from './count-pusher.js';
import { DeviceGateway } from './device.gateway.js';
import { DeviceProtocol } from './device-protocol.js';
import { DeviceRegistry } from './device-registry.js';

/** Device connections: the WebSocket transport, count delivery, and dropping connections. */
@Module({
  imports: [AuthModule, BusModule, NotificationsModule, WebhooksModule],
  controllers: [ConnectionsController],
  providers: [DeviceGateway, DeviceRegistry, CountPusher, DeviceProtocol, ConnectionsService],
  exports: [DeviceRegistry, CountPusher, DeviceProtocol, ConnectionsService],
})
export class GatewayModule {}
