import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LifecycleService } from './lifecycle.service.js';

/**
 * Sweeps every EXPIRY_SWEEP_INTERVAL (at most a minute: expired notifications go within one).
 * Every instance sweeps; the statements skip rows another holds, so sweeps never collide.
 * A plain interval of its own, like the push and event workers: @nestjs/schedule's registry
 * belongs to the retention module's import of it. Shutdown waits for a sweep under way.
 */
@Injectable()
export class LifecycleScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Lifecycle');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly lifecycle: LifecycleService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(this.tick, this.config.expirySweepIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** A tick while a sweep still runs is dropped; a failed sweep is logged and retried at the next. */
  private readonly tick = (): void => {
    if (this.running) return;
    this.running = this.lifecycle
      .sweep()
      .then(
        () => undefined,
        (error: unknown) => this.logger.error(`lifecycle sweep failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      )
      .finally(() => (this.running = undefined));
  };
}
