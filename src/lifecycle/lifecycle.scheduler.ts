import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config.js';
import { LifecycleService } from './lifecycle.service.js';

export const LIFECYCLE_JOB = 'lifecycle-sweep';

/**
 * Sweeps every EXPIRY_SWEEP_INTERVAL (at most a minute: expired notifications go within one).
 * Every instance sweeps; the statements skip rows another holds, so sweeps never collide.
 * The registry clears the interval at shutdown.
 */
@Injectable()
export class LifecycleScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Lifecycle');
  private running = false;

  constructor(
    private readonly config: AppConfig,
    private readonly lifecycle: LifecycleService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.addInterval(LIFECYCLE_JOB, setInterval(() => void this.tick(), this.config.expirySweepIntervalMs));
  }

  /** A tick while a sweep still runs is dropped; a failed sweep is logged and retried at the next. */
  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.lifecycle.sweep();
    } catch (error) {
      this.logger.error(`lifecycle sweep failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
