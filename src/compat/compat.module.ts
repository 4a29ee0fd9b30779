import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { BusModule } from '../bus/bus.module.js';
import { GatewayModule } from '../gateway/gateway.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { CompatController } from './compat.controller.js';
import { EventStreamGateway } from './event-stream.gateway.js';

/** Compatibility with notification-socket.io and the ernius notifier (contract §6): an adapter over the core services. */
@Module({
  imports: [AuthModule, BusModule, NotificationsModule, GatewayModule],
  controllers: [CompatController],
  providers: [EventStreamGateway],
})
export class CompatModule {}
