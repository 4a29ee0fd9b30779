import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { DeviceCoreModule } from '../realtime/core/device-core.module.js';
import { CompatController } from './compat.controller.js';

/** The earlier servers' backend routes (docs/migrating.md): an adapter over the core services. */
@Module({
  imports: [NotificationsModule, DeviceCoreModule],
  controllers: [CompatController],
})
export class CompatModule {}
