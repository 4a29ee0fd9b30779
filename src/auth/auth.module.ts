import { Module } from '@nestjs/common';
import { AppTokenGuard } from './app-token.guard.js';

@Module({ providers: [AppTokenGuard], exports: [AppTokenGuard] })
export class AuthModule {}
