import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { EventDeliveryService, DELIVERY_BATCH_SIZE } from './event-delivery.service.js';

const PRUNE_INTERVAL_MS = 60 * 60_000;

/**
 * Drains the event outbox for as long as the application runs: a full batch is followed at
 * once by the next, anything less by a rest of EVENT_HOOK_POLL_INTERVAL. Every instance runs
 * one; the claim query keeps them apart. Once an hour it also prunes the delivery log.
 */
@Injectable()
export class EventDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventDelivery');
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly delivery: EventDeliveryService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  // Before the database pool closes (DatabaseModule is global, so it shuts down last).
  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    let prunedAt = 0;
    while (!signal.aborted) {
      let claimed = 0;
      try {
        if (Date.now() - prunedAt >= PRUNE_INTERVAL_MS) {
          prunedAt = Date.now();
          await this.delivery.pruneLog();
        }
        claimed = await this.delivery.deliverDue(signal);
      } catch (error) {
        // The database may be away for a while; the next round tries again.
        if (!signal.aborted) this.logger.error(`event delivery round failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (claimed < DELIVERY_BATCH_SIZE) await sleep(this.config.eventHookPollMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
