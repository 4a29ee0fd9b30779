import { Module } from '@nestjs/common';
import { DeviceCoreModule } from '../realtime/core/device-core.module.js';
import { ConnectionsController } from './connections.controller.js';

/** `DELETE /api/users/:userId/connections`: the application drops a user's devices everywhere. */
@Module({
  imports: [DeviceCoreModule],
  controllers: [ConnectionsController],
})
export class ConnectionsModule {}
