import { Module } from '@nestjs/common';
import { Bus } from './bus.js';

@Module({ providers: [Bus], exports: [Bus] })
export class BusModule {}
