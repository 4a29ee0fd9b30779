import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { BusModule } from '../../bus/bus.module.js';
import { NotificationsModule } from '../../notifications/notifications.module.js';
import { DeviceCoreModule } from '../core/device-core.module.js';
import { EventStreamGateway } from './event-stream.gateway.js';

/** The notifier's event stream on `/subscribe_to_events`, for clients of the earlier server (docs/migrating.md). */
@Module({
  imports: [AuthModule, BusModule, NotificationsModule, DeviceCoreModule],
  providers: [EventStreamGateway],
})
export class NotifierModule {}
