import type { Logger } from '@nestjs/common';
import type { NotificationRecord, NotificationsService } from '../../notifications/notifications.service.js';

/** One event of the notifier's protocol (docs/protocol.md); `created_at` in ms since the epoch. */
export interface CompatEvent {
  accessid: string;
  created_at: number;
  payload: unknown;
}

/** Rows per query, and so events per array sent: a long replay goes out in several arrays. */
export const PAGE_SIZE = 100;
/** How soon to look again while a row is held back for an older transaction still open. */
const FIRST_SETTLE_RETRY_MS = 25;
const MAX_SETTLE_RETRY_MS = 500;
/** Past this age a visible row is sent even if an older transaction is still open (see pass()). */
export const MAX_HOLD_MS = 2_000;
const RETRY_AFTER_FAILURE_MS = 1_000;

type Source = Pick<NotificationsService, 'settledHorizon' | 'createdAfterInOrder'>;

/**
 * One `/subscribe_to_events` subscription: every notification of the user created at or after
 * `from`, in creation order, each exactly once — first the stored ones, then each new one.
 *
 * The gateway pokes the stream for every announcement that the user's notifications changed
 * (and once at the start, after it began listening, so nothing committed in between is
 * missed). Pokes are coalesced: one pass at a time, and a poke during a pass runs one more.
 * Each pass re-reads from `floor` and skips what `sent` holds; it is never "after the last id
 * sent": ids and created_at are assigned before commit, so a row with a smaller (created_at,
 * id) can become visible after a larger one was sent, and "> last sent" would miss it.
 *
 * Why nothing is missed: `settledHorizon()` is read before the rows, so every row created
 * before it is already visible to the row query. Rows are sent only below it (in order), or
 * once they are MAX_HOLD_MS old (a long transaction holding the horizon back, e.g. a backup,
 * must not stall delivery). `floor` only advances to a horizon whose rows below it were all
 * read, so a row that becomes visible later is at or above `floor` and is read by the pass that
 * its own announcement triggers. Why nothing is sent twice: every row sent at or above `floor`
 * stays in `sent`; rows below `floor` are never read again. Why creation order: a row is held
 * back while an older row may still appear, except past MAX_HOLD_MS.
 */
export class EventStream {
  private floor: Date;
  /** Ids sent whose created_at (ms) is at or after `floor`. */
  private readonly sent = new Map<string, number>();
  private dirty = false;
  private running = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private settleRetryMs = FIRST_SETTLE_RETRY_MS;

  constructor(
    private readonly userId: string,
    from: Date,
    private readonly source: Source,
    private readonly send: (events: CompatEvent[]) => Promise<void>,
    private readonly logger: Logger,
  ) {
    this.floor = from;
  }

  /** The user's notifications may have changed: read again (at most one pass at a time). */
  poke(): void {
    if (this.closed) return;
    this.dirty = true;
    if (!this.running) void this.run();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty && !this.closed) {
        this.dirty = false;
        await this.pass();
      }
    } catch (error) {
      this.logger.warn(`reading the event stream of a user failed, retrying in ${RETRY_AFTER_FAILURE_MS} ms: ${(error as Error).message}`);
      this.retryIn(RETRY_AFTER_FAILURE_MS);
    } finally {
      this.running = false;
    }
  }

  private async pass(): Promise<void> {
    const { settledBefore, now } = await this.source.settledHorizon();
    const forcedBefore = now.getTime() - MAX_HOLD_MS;
    let position = { createdAt: this.floor, id: '0' };
    for (;;) {
      const page = await this.source.createdAfterInOrder(this.userId, position, PAGE_SIZE);
      const ready: NotificationRecord[] = [];
      let held: NotificationRecord | undefined;
      for (const record of page) {
        // An older row may still appear before this one: wait for it, unless this one is overdue.
        if (record.createdAt >= settledBefore && record.createdAt.getTime() >= forcedBefore) {
          held = record;
          break;
        }
        if (!this.sent.has(record.id)) ready.push(record);
      }
      for (const record of ready) this.sent.set(record.id, record.createdAt.getTime());
      if (ready.length > 0) await this.send(ready.map(toEvent));
      if (this.closed) return;
      if (held) {
        this.advanceFloor(held.createdAt < settledBefore ? held.createdAt : settledBefore);
        this.retryIn(this.settleRetryMs);
        this.settleRetryMs = Math.min(MAX_SETTLE_RETRY_MS, this.settleRetryMs * 2);
        return;
      }
      if (page.length < PAGE_SIZE) {
        this.advanceFloor(settledBefore);
        this.settleRetryMs = FIRST_SETTLE_RETRY_MS;
        return;
      }
      // Every row before the last one read was read; bounded by the horizon, it can be forgotten.
      const last = page[page.length - 1];
      this.advanceFloor(last.createdAt < settledBefore ? last.createdAt : settledBefore);
      position = last;
    }
  }

  private advanceFloor(to: Date): void {
    if (to <= this.floor) return;
    this.floor = to;
    const floorMs = to.getTime();
    for (const [id, createdAtMs] of this.sent) if (createdAtMs < floorMs) this.sent.delete(id);
  }

  private retryIn(delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.poke(), delayMs);
    this.retryTimer.unref();
  }
}

function toEvent(record: NotificationRecord): CompatEvent {
  return { accessid: record.userId, created_at: record.createdAt.getTime(), payload: record.data };
}
