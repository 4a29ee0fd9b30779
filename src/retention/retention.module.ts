import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { UnseenChangesModule } from '../bus/unseen-changes.module.js';
import { RetentionRepository } from './retention.repository.js';
import { RetentionScheduler } from './retention.scheduler.js';
import { RetentionService } from './retention.service.js';

@Module({
  imports: [ScheduleModule.forRoot(), UnseenChangesModule],
  providers: [RetentionRepository, RetentionService, RetentionScheduler],
  exports: [RetentionService],
})
export class RetentionModule {}
