import { Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { Bus } from '../../bus/bus.js';
import { Metrics } from '../../metrics/metrics.js';
import type { Preferences } from '../../preferences/preferences.js';
import { PreferencesService } from '../../preferences/preferences.service.js';
import { DeviceRegistry } from './device-registry.js';
import type { PreferencesFrame } from './frames.js';
import { InboxDelivery } from './inbox-delivery.js';
import { OutgoingFrame } from './outgoing-frame.js';

const RETRY_AFTER_FAILURE_MS = 1_000;
/** Users whose preferences one statement reads (all connected users after the bus was down). */
const READ_CHUNK = 5_000;

/**
 * Sends `{"preferences": …}` to the protocol-2 devices connected here of every user whose
 * preferences changed, on whichever instance (docs/protocol.md, Preferences). The bus only
 * names the users; the preferences are read from the database, for all users named meanwhile
 * in one statement, one read at a time: however announcements were coalesced or reordered, the
 * last frame a device gets is what was committed last. After the bus was down, when
 * announcements may have been missed, every connected user's preferences are sent again.
 * Protocol-1 devices get the frame only as the answer to their own request: it is new to them.
 */
@Injectable()
export class PreferencesDelivery implements OnModuleDestroy {
  private readonly logger = new Logger(PreferencesDelivery.name);
  private dirty = new Set<string>();
  private reading = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly inbox: InboxDelivery,
    private readonly preferences: PreferencesService,
    bus: Bus,
    @Optional() private readonly metrics?: Metrics,
  ) {
    bus.on('preferencesChanged', (userId) => this.changed(userId));
    bus.on('resync', () => {
      for (const userId of registry.users()) this.changed(userId);
    });
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  /** Users without a connection here are ignored: other instances serve them. */
  changed(userId: string): void {
    if (!this.registry.has(userId)) return;
    this.dirty.add(userId);
    if (this.reading) return;
    this.reading = true;
    // Deferred: the announcements of one network read are read together.
    setImmediate(() => void this.readAndSend());
  }

  private async readAndSend(): Promise<void> {
    while (this.dirty.size > 0 && !this.stopped) {
      const users = [...this.dirty].slice(0, READ_CHUNK);
      for (const userId of users) this.dirty.delete(userId);
      let read: Map<string, Preferences>;
      try {
        read = await this.preferences.ofUsers(users);
      } catch (error) {
        this.logger.warn(`reading preferences failed, retrying in ${RETRY_AFTER_FAILURE_MS} ms: ${(error as Error).message}`);
        for (const userId of users) this.dirty.add(userId);
        this.retryTimer = setTimeout(() => void this.readAndSend(), RETRY_AFTER_FAILURE_MS);
        return;
      }
      for (const userId of users) this.send(userId, read.get(userId)!);
    }
    this.reading = false;
  }

  private send(userId: string, preferences: Preferences): void {
    // The JSON is made once, however many of the user's connections send it.
    const frame = new OutgoingFrame<PreferencesFrame>({ preferences });
    for (const connection of this.registry.connectionsOf(userId) ?? []) {
      if (!this.inbox.speaksProtocol2(connection)) continue;
      this.registry.send(connection, frame);
      this.metrics?.framesSent.inc({ type: 'preferences' });
    }
  }
}
