import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { ClaimedDelivery } from './event-hook.js';
import { EventHooksRepository } from './event-hooks.repository.js';
import { sendEvent } from './event-sender.js';
import { retryDelayMs, type RetryPolicy } from './retry-delay.js';

/** Attempts in flight at once per instance: a few slow receivers cannot stall the others for long. */
export const DELIVERY_BATCH_SIZE = 20;

/** How long settled deliveries stay in the log (docs/events.md). */
export const DELIVERY_LOG_RETENTION_MS = 7 * 86_400_000;
const PRUNE_BATCH_SIZE = 1000;

/** Sends due events from the outbox and records each attempt's outcome. */
@Injectable()
export class EventDeliveryService {
  private readonly logger = new Logger('EventDelivery');
  private readonly retry: RetryPolicy;

  constructor(
    private readonly repository: EventHooksRepository,
    private readonly config: AppConfig,
  ) {
    this.retry = { firstMs: config.eventHookRetryFirstMs, maxMs: config.eventHookRetryMaxMs };
  }

  /**
   * One round: claims up to a batch of due deliveries and attempts them all. Answers how many
   * it claimed. Attempts cut short by `signal` (shutdown) are left to their lease.
   */
  async deliverDue(signal?: AbortSignal): Promise<number> {
    // The lease outlasts the attempt's deadline, so no second worker picks a row up mid-attempt.
    const claimed = await this.repository.claimDue(DELIVERY_BATCH_SIZE, 2 * this.config.eventHookTimeoutMs + 1000);
    await Promise.all(claimed.map((delivery) => this.attempt(delivery, signal)));
    return claimed.length;
  }

  /** Deletes settled deliveries past the log's retention, a batch at a time; answers how many. */
  async pruneLog(): Promise<number> {
    let pruned = 0;
    for (;;) {
      const batch = await this.repository.pruneSettled(DELIVERY_LOG_RETENTION_MS, PRUNE_BATCH_SIZE);
      pruned += batch;
      if (batch < PRUNE_BATCH_SIZE) return pruned;
    }
  }

  private async attempt(delivery: ClaimedDelivery, signal: AbortSignal | undefined): Promise<void> {
    const outcome = await sendEvent(delivery, { timeoutMs: this.config.eventHookTimeoutMs, allowPrivate: this.config.eventHookAllowPrivate, signal });
    if (signal?.aborted) return;
    if (outcome.accepted) return this.repository.markSucceeded(delivery.id);
    const next = new Date(Date.now() + retryDelayMs(delivery.attempts, this.retry));
    const error = `attempt ${delivery.attempts}: ${outcome.error}`;
    if (next.getTime() - delivery.createdAt.getTime() > this.config.eventHookRetryForMs) {
      this.logger.warn(`event delivery ${delivery.id} to ${new URL(delivery.url).origin} failed for good after ${delivery.attempts} attempts: ${outcome.error}`);
      return this.repository.markFailed(delivery.id, error);
    }
    return this.repository.markRetry(delivery.id, next, error);
  }
}
