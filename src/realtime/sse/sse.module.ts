import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { DeviceCoreModule } from '../core/device-core.module.js';
import { DeviceAuthGuard } from './device-auth.guard.js';
import { SseController } from './sse.controller.js';
import { SseTransport } from './sse.transport.js';

/**
 * The device protocol over Server-Sent Events and plain POSTs (docs/protocol.md, Server-Sent Events). Its CORS and body
 * middleware are registered in app.factory.ts, ahead of the JSON parser and of every route.
 */
@Module({
  imports: [AuthModule, DeviceCoreModule],
  controllers: [SseController],
  providers: [SseTransport, DeviceAuthGuard],
})
export class SseModule {}
