import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Bus } from '../../bus/bus.js';
import { AppConfig } from '../../config/app-config.js';
import { Metrics } from '../../metrics/metrics.js';
import { NotificationsService } from '../../notifications/notifications.service.js';
import { DeviceRegistry } from './device-registry.js';
import { OutgoingFrame } from './outgoing-frame.js';

const RETRY_AFTER_FAILURE_MS = 1_000;
/** Users whose counts one reconciliation query reads. */
const RECONCILE_CHUNK = 5_000;

/**
 * Sends each connected user's unseen count after it changed. Changes only mark the user
 * dirty; one flush at a time reads the counts of all dirty users in one query and sends
 * them, and users marked during a flush are read by the next. Whatever notifications were
 * coalesced, lost or reordered, once a user is quiet the last count sent is the database's.
 *
 * An announcement that never came at all (its publisher died between commit and NOTIFY, or a
 * row was changed by hand) is caught by reconciliation: on every heartbeat interval the
 * counts of all connected users are compared with the last ones sent.
 */
@Injectable()
export class CountPusher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CountPusher.name);
  private dirty = new Set<string>();
  private readonly lastSent = new Map<string, number>();
  private flushing = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly notifications: NotificationsService,
    bus: Bus,
    private readonly config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    // Every instance announces the users whose counts it changed (UnseenChangesPublisher).
    bus.on('unseenChanged', (userId) => this.markDirty(userId));
    bus.on('resync', () => this.markAllDirty());
  }

  onModuleInit(): void {
    this.reconcileTimer = setInterval(() => void this.reconcile(), this.config.heartbeatIntervalMs).unref();
  }

  /** Users without a socket here are ignored: other instances serve them. */
  markDirty(userId: string): void {
    if (!this.registry.has(userId)) return;
    this.dirty.add(userId);
    this.scheduleFlush(0);
  }

  /** After the bus was down: any connected user's count may have changed unheard. */
  markAllDirty(): void {
    for (const userId of this.registry.users()) this.dirty.add(userId);
    this.scheduleFlush(0);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.reconcileTimer);
  }

  /** Marks dirty every connected user whose count differs from the last one sent. */
  async reconcile(): Promise<void> {
    for (const userId of this.lastSent.keys()) if (!this.registry.has(userId)) this.lastSent.delete(userId);
    const users = [...this.registry.users()];
    for (let start = 0; start < users.length && !this.stopped; start += RECONCILE_CHUNK) {
      const chunk = users.slice(start, start + RECONCILE_CHUNK);
      let counts: Map<string, number>;
      try {
        counts = await this.notifications.unseenCounts(chunk);
      } catch (error) {
        this.logger.warn(`reconciling unseen counts failed: ${(error as Error).message}`);
        return;
      }
      for (const userId of chunk) if (counts.get(userId) !== this.lastSent.get(userId)) this.markDirty(userId);
    }
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushing || this.stopped || this.dirty.size === 0) return;
    this.flushing = true;
    // Deferred, not called at once: the notifications of one network read are read together.
    if (delayMs === 0) setImmediate(() => void this.flush());
    else this.timer = setTimeout(() => void this.flush(), delayMs);
  }

  private async flush(): Promise<void> {
    while (this.dirty.size > 0 && !this.stopped) {
      const users = [...this.dirty];
      this.dirty = new Set();
      let counts: Map<string, number>;
      try {
        counts = await this.notifications.unseenCounts(users);
      } catch (error) {
        this.logger.warn(`reading unseen counts failed, retrying in ${RETRY_AFTER_FAILURE_MS} ms: ${(error as Error).message}`);
        for (const userId of users) if (this.registry.has(userId)) this.dirty.add(userId);
        this.flushing = false;
        this.scheduleFlush(RETRY_AFTER_FAILURE_MS);
        return;
      }
      for (const userId of users) this.send(userId, counts.get(userId) ?? 0);
    }
    this.flushing = false;
  }

  private send(userId: string, count: number): void {
    const connections = this.registry.connectionsOf(userId);
    if (!connections) {
      this.lastSent.delete(userId);
      return;
    }
    this.lastSent.set(userId, count);
    // One frame for all of the user's connections: its JSON is made once, however many sockets send it.
    const frame = new OutgoingFrame({ newNotificationCountChanged: count });
    for (const connection of connections) this.registry.send(connection, frame);
    this.metrics?.framesSent.inc({ type: 'newNotificationCountChanged' }, connections.size);
  }
}
