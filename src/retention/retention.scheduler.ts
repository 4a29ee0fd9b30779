import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '../config/app-config.js';
import { RetentionService } from './retention.service.js';

export const RETENTION_JOB = 'retention';

/**
 * Runs a retention pass on RETENTION_CRON inside the server; registers nothing when it is off.
 * The registry stops the job at shutdown. A pass in flight then is not awaited: every batch
 * commits on its own, so cutting a pass short loses nothing.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly config: AppConfig,
    private readonly retention: RetentionService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.retentionCron === undefined) return;
    const job = CronJob.from({
      cronTime: this.config.retentionCron,
      onTick: async () => {
        await this.retention.runPass();
      },
      // A tick that comes while a pass still runs is dropped, so passes in one process never
      // overlap (the advisory lock keeps passes of different processes apart).
      waitForCompletion: true,
      // A failed pass is logged and retried at the next tick; it never takes the server down.
      errorHandler: (error) => this.logger.error(`retention pass failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
    this.registry.addCronJob(RETENTION_JOB, job);
    job.start();
    this.logger.log(`retention scheduled at "${this.config.retentionCron}"`);
  }
}
