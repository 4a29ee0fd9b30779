import { Injectable, Logger } from '@nestjs/common';
import { UnseenChangesPublisher } from '../bus/unseen-changes.publisher.js';
import { LifecycleRepository } from './lifecycle.repository.js';

/** Rows per statement: each batch commits on its own, so a long backlog never holds locks long. */
export const LIFECYCLE_BATCH_SIZE = 1000;

export interface SweepResult {
  readonly expired: number;
  readonly woken: number;
}

/**
 * Deletes expired notifications and wakes snoozed ones whose time has come (docs/inbox.md),
 * batch after batch until a batch comes back short. After each batch's commit the users it
 * touched are announced, so their devices hear the new counts: persist first, then publish.
 */
@Injectable()
export class LifecycleService {
  private readonly logger = new Logger('Lifecycle');

  constructor(
    private readonly repository: LifecycleRepository,
    private readonly changes: UnseenChangesPublisher,
  ) {}

  async sweep(): Promise<SweepResult> {
    const expired = await this.inBatches(() => this.repository.deleteExpired(LIFECYCLE_BATCH_SIZE));
    const woken = await this.inBatches(() => this.repository.wakeSnoozed(LIFECYCLE_BATCH_SIZE));
    if (expired + woken > 0) this.logger.debug(`swept: ${expired} expired, ${woken} woken from snooze`);
    return { expired, woken };
  }

  private async inBatches(batch: () => Promise<string[]>): Promise<number> {
    let total = 0;
    let users: string[];
    do {
      users = await batch();
      total += users.length;
      if (users.length > 0) this.changes.publish([...new Set(users)]);
    } while (users.length === LIFECYCLE_BATCH_SIZE);
    return total;
  }
}
