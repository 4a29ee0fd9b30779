import { Module } from '@nestjs/common';
import { UnseenChangesModule } from '../bus/unseen-changes.module.js';
import { LifecycleRepository } from './lifecycle.repository.js';
import { LifecycleScheduler } from './lifecycle.scheduler.js';
import { LifecycleService } from './lifecycle.service.js';

/** The jobs that end an expiry and a snooze (docs/lifecycle.md#expiry, #snooze). */
@Module({
  imports: [UnseenChangesModule],
  providers: [LifecycleRepository, LifecycleService, LifecycleScheduler],
  exports: [LifecycleService],
})
export class LifecycleModule {}
