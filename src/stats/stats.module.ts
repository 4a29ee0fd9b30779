import { Module } from '@nestjs/common';
import { DeviceCoreModule } from '../realtime/core/device-core.module.js';
import { StatsController } from './stats.controller.js';
import { StatsRepository } from './stats.repository.js';
import { StatsService } from './stats.service.js';

/** Statistics from rollups the database keeps (docs/events.md#statistics). */
@Module({
  imports: [DeviceCoreModule],
  controllers: [StatsController],
  providers: [StatsService, StatsRepository],
  exports: [StatsService],
})
export class StatsModule {}
