import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { UnseenChangesPublisher } from '../bus/unseen-changes.publisher.js';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { RetentionRepository, type RetentionPolicy } from './retention.repository.js';

/**
 * 1,000 rows are ~8 ms of database work: each batch's burst of CPU and WAL is short, and the
 * rests between batches (below) spread a pass evenly. The batch size alone did not spare
 * ingest; the rests did (docs/performance.md, retention under load).
 */
export const RETENTION_BATCH_SIZE = 1000;

/**
 * After each batch the pass rests this many times as long as the batch took, so it never takes
 * more than a quarter of a core from the database: deleting takes about 8 µs of database CPU a row,
 * and a pass running flat out on a small machine starved ingest of CPU (docs/performance.md).
 * A million rows then take about a minute, which a job that runs every 15 minutes can spare.
 */
export const RETENTION_REST_PER_BATCH_TIME = 3;

export interface RetentionPassResult {
  readonly seen: number;
  readonly unseen: number;
  readonly tickets: number;
  /** Changes deleted from the change log. */
  readonly changes: number;
  readonly batches: number;
}

@Injectable()
export class RetentionService implements OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private readonly policy: RetentionPolicy;
  private readonly stopping = new AbortController();

  constructor(
    private readonly repository: RetentionRepository,
    private readonly changes: UnseenChangesPublisher,
    config: AppConfig,
    // Absent from `npm run retention`, which serves no /metrics.
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.policy = {
      seenRetentionMs: config.seenRetentionMs,
      unseenRetentionMs: config.unseenRetentionMs,
      changeRetentionMs: config.changeRetentionMs,
      batchSize: RETENTION_BATCH_SIZE,
    };
  }

  /** A pass in flight stops after its current batch: each batch has committed on its own. */
  onModuleDestroy(): void {
    this.stopping.abort();
  }

  /**
   * One retention pass over the whole database, unless another process is running one (then
   * undefined): batches until one deletes less than a full batch of every kind, or shutdown.
   */
  async runPass(): Promise<RetentionPassResult | undefined> {
    const started = Date.now();
    const result = await this.repository.withPassLock(() => this.deleteInBatches());
    if (result === undefined) {
      this.logger.log('retention pass skipped: another process holds the retention lock');
    } else {
      // Every 15 minutes by default: a pass that found nothing is not worth a line at the default level.
      const level = result.seen + result.unseen + result.tickets + result.changes > 0 ? 'log' : 'debug';
      this.logger[level](`retention: ${describeRetentionPass(result)} in ${Date.now() - started} ms`);
      for (const kind of ['seen', 'unseen', 'tickets', 'changes'] as const) this.metrics?.retentionDeleted.inc({ kind }, result[kind]);
    }
    return result;
  }

  private async deleteInBatches(): Promise<RetentionPassResult> {
    let total: RetentionPassResult = { seen: 0, unseen: 0, tickets: 0, changes: 0, batches: 0 };
    for (;;) {
      const started = performance.now();
      const batch = await this.repository.deleteExpiredBatch(this.policy);
      // Committed: devices on every instance hear their users' new counts and changes.
      this.changes.publish(batch.usersChanged);
      // Old changes tell no device anything new: nothing to announce.
      const changes = await this.repository.deleteOldChangesBatch(this.policy);
      total = {
        seen: total.seen + batch.seen,
        unseen: total.unseen + batch.unseen,
        tickets: total.tickets + batch.tickets,
        changes: total.changes + changes,
        batches: total.batches + 1,
      };
      if (Math.max(batch.seen, batch.unseen, batch.tickets, changes) < this.policy.batchSize) return total;
      const restMs = (performance.now() - started) * RETENTION_REST_PER_BATCH_TIME;
      await sleep(restMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      if (this.stopping.signal.aborted) return total;
    }
  }
}

export function describeRetentionPass({ seen, unseen, tickets, changes, batches }: RetentionPassResult): string {
  return `deleted ${seen} seen, ${unseen} unseen notifications, ${tickets} expired tickets and ${changes} old changes in ${batches} batch${batches === 1 ? '' : 'es'}`;
}
