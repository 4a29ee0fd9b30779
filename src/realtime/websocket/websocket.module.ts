import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { DeviceCoreModule } from '../core/device-core.module.js';
import { DeviceGateway } from './device.gateway.js';

/** The device protocol over WebSocket on `/subscribe`. */
@Module({
  imports: [AuthModule, DeviceCoreModule],
  providers: [DeviceGateway],
})
export class WebSocketModule {}
