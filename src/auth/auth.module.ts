import { Module } from '@nestjs/common';
import { AppTokenGuard } from './app-token.guard.js';
import { AuthDelegate } from './auth-delegate.js';
import { DeviceAuthenticator } from './device-authenticator.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsRepository } from './tickets.repository.js';
import { TicketsService } from './tickets.service.js';

@Module({
  controllers: [TicketsController],
  providers: [AppTokenGuard, AuthDelegate, DeviceAuthenticator, TicketsRepository, TicketsService],
  exports: [AppTokenGuard, DeviceAuthenticator, TicketsService],
})
export class AuthModule {}
