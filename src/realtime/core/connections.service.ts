import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '../../bus/bus.js';
import type { ControlMessage } from '../../bus/control-message.js';
import { DeviceRegistry } from './device-registry.js';

/** The close code a device sees when the application drops it (docs/protocol.md, Close codes). */
export const DROPPED_CLOSE_CODE = 4001;
/** An instance that died without closing its bus connection still counts as live until PostgreSQL notices. */
const REPLY_TIMEOUT_MS = 2_000;

/** Closes a user's connections that the device registry does not hold; answers how many it closed. */
export type ConnectionCloser = (userId: string, code: number, reason: string) => number;

interface PendingDrop {
  awaited: number;
  dropped: number;
  finish: () => void;
}

/**
 * Drops a user's devices on every instance: a drop request goes out on the bus, every instance
 * (this one too, through the same path) closes that user's sockets and answers its count, and
 * the requester sums the answers of as many instances as have a bus connection.
 */
@Injectable()
export class ConnectionsService {
  private readonly logger = new Logger(ConnectionsService.name);
  private readonly pending = new Map<string, PendingDrop>();
  private readonly otherClosers: ConnectionCloser[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly registry: DeviceRegistry,
  ) {
    bus.on('control', (message) => this.onControl(message));
  }

  /** For connections kept outside the device registry (the notifier's event stream): drops close and count them too. */
  addCloser(closer: ConnectionCloser): void {
    this.otherClosers.push(closer);
  }

  async dropEverywhere(userId: string): Promise<number> {
    const requestId = randomUUID();
    const awaited = await this.bus.liveInstances();
    let timer: NodeJS.Timeout | undefined;
    const drop: PendingDrop = { awaited, dropped: 0, finish: () => undefined };
    const answered = new Promise<void>((resolve) => {
      drop.finish = resolve;
      timer = setTimeout(resolve, REPLY_TIMEOUT_MS);
    });
    this.pending.set(requestId, drop);
    try {
      await this.bus.publish({ type: 'drop', requestId, userId });
      await answered;
      if (drop.awaited > 0) this.logger.warn(`drop ${requestId}: ${drop.awaited} instance(s) did not answer within ${REPLY_TIMEOUT_MS} ms`);
      return drop.dropped;
    } finally {
      clearTimeout(timer);
      this.pending.delete(requestId);
    }
  }

  private onControl(message: ControlMessage): void {
    if (message.type === 'drop') {
      const reason = 'dropped by the application';
      const count = this.otherClosers.reduce((sum, close) => sum + close(message.userId, DROPPED_CLOSE_CODE, reason), this.registry.closeUser(message.userId, DROPPED_CLOSE_CODE, reason));
      this.bus.publish({ type: 'dropped', requestId: message.requestId, count }).catch((error: Error) => {
        this.logger.warn(`could not answer drop ${message.requestId}: ${error.message}`);
      });
      return;
    }
    const drop = this.pending.get(message.requestId);
    if (!drop) return;
    drop.dropped += message.count;
    drop.awaited -= 1;
    if (drop.awaited <= 0) drop.finish();
  }
}
