import { EventEmitter } from 'node:events';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ANNOUNCED_COUNTS_BYTES, UNSEEN_CHANGED_CHANNEL, groupUserIds, type AnnouncedInbox } from './unseen-changes.js';
import { UnseenChangesRepository } from './unseen-changes.repository.js';

const MAX_RETRY_DELAY_MS = 5_000;

export interface AnnouncedEvents {
  /** This instance announced the user's inbox: its own devices need not wait for the NOTIFY to come back. */
  announced: [userId: string, inbox: AnnouncedInbox];
}

/**
 * Tells every instance (this one included, through its bus) that users' inboxes changed, with
 * their version and unseen count as read after the change. Services call it after their change
 * committed. Users changed within one tick go out together, in as few NOTIFYs as fit; if the
 * database can't take them, they are kept and retried, so a committed change is announced
 * unless this process dies first (the count pusher's periodic reconciliation covers that case).
 */
@Injectable()
export class UnseenChangesPublisher extends EventEmitter<AnnouncedEvents> implements OnApplicationShutdown {
  private readonly logger = new Logger(UnseenChangesPublisher.name);
  private pending = new Set<string>();
  private scheduled = false;
  private inFlight: Promise<void> | undefined;
  private failures = 0;

  constructor(private readonly repository: UnseenChangesRepository) {
    super();
  }

  publish(userIds: Iterable<string>): void {
    for (const userId of userIds) this.pending.add(userId);
    this.schedule();
  }

  // Runs before the database pool closes (DatabaseModule is global, so it shuts down last).
  async onApplicationShutdown(): Promise<void> {
    await this.inFlight;
    if (this.pending.size > 0) await this.flush();
  }

  private schedule(delayMs = 0): void {
    if (this.scheduled || this.inFlight || this.pending.size === 0) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.inFlight = this.flush().finally(() => {
        this.inFlight = undefined;
        this.schedule(this.failures === 0 ? 0 : Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** this.failures));
      });
    };
    if (delayMs === 0) setImmediate(run);
    else setTimeout(run, delayMs).unref();
  }

  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const users = this.pending;
    this.pending = new Set();
    let announced;
    try {
      announced = await this.repository.announce(UNSEEN_CHANGED_CHANNEL, groupUserIds(users, ANNOUNCED_COUNTS_BYTES));
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      for (const userId of users) this.pending.add(userId);
      this.logger.warn(`announcing ${users.size} changed counts failed (attempt ${this.failures}), retrying: ${(error as Error).message}`);
      return;
    }
    // A listener's exception must not count as a failed announcement (it would be sent again).
    try {
      for (const { userId, inbox } of announced) this.emit('announced', userId, inbox);
    } catch (error) {
      this.logger.error(`announced listener failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
}
