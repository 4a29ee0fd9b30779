import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Bus } from '../../bus/bus.js';
import { AppConfig } from '../../config/app-config.js';
import { ConnectionCountsRepository } from './connection-counts.repository.js';
import type { DeviceConnection } from './device-connection.js';
import { DeviceRegistry, POLICY_CLOSE } from './device-registry.js';

const HOUSEKEEPING_INTERVAL_MS = 60_000;
// How long connections gather before their counts are recorded. Measured with 2,000 devices
// opening within 2.5 s: recorded as soon as possible, 417 statements (1.6 s of database time);
// after 50 ms, 30 (0.23 s). A device past the cap is still closed within a moment of opening.
const RECORD_AFTER_MS = 50;

/**
 * MAX_CONNECTIONS_PER_USER across instances (docs/protocol.md, Heartbeats and limits). The
 * upgrade is refused by this instance's own count (the registry, at no cost on the connect
 * path); across instances each one records its users' counts in the database, in batches after
 * the connections opened (one statement for all that opened within RECORD_AFTER_MS, so a
 * reconnect storm costs about a statement every 50 ms, not one per device), and learns how many each user has elsewhere: a
 * connection that took its user past the cap is closed with 1008.
 */
@Injectable()
export class UserConnectionLimit implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(UserConnectionLimit.name);
  private readonly maxPerUser: number;
  /** Users whose count here changed since it was last recorded. */
  private readonly changed = new Set<string>();
  /** Connections opened since their user's count was last recorded, oldest first: the ones a check may close. */
  private readonly opened = new Map<string, DeviceConnection[]>();
  private recording: Promise<void> | undefined;
  private closing = false;
  private housekeeping: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly repository: ConnectionCountsRepository,
    private readonly bus: Bus,
    config: AppConfig,
  ) {
    this.maxPerUser = config.maxConnectionsPerUser;
  }

  onModuleInit(): void {
    this.registry.on('connectionAdded', (connection, userId) => {
      const opened = this.opened.get(userId);
      if (opened) opened.push(connection);
      else this.opened.set(userId, [connection]);
      this.changed.add(userId);
      this.schedule();
    });
    this.registry.on('connectionRemoved', (_connection, userId) => {
      this.changed.add(userId);
      this.schedule();
    });
    this.housekeeping = setInterval(() => {
      this.repository.forgetDeadInstances().catch((error: Error) => this.logger.warn(`could not forget dead instances' connections: ${error.message}`));
    }, HOUSEKEEPING_INTERVAL_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearInterval(this.housekeeping);
    await this.recording;
    await this.repository.forgetInstance(this.bus.instanceId).catch((error: Error) => this.logger.warn(`could not remove this instance's connection counts: ${error.message}`));
  }

  /** One recording at a time; what changes meanwhile goes in the next, all in one statement. */
  private schedule(): void {
    if (this.recording !== undefined || this.closing || this.changed.size === 0) return;
    this.recording = new Promise((resolve) => setTimeout(resolve, RECORD_AFTER_MS))
      .then(() => this.record())
      .catch((error: Error) => this.logger.warn(`connection counts not recorded: ${error.message}`))
      .finally(() => {
        this.recording = undefined;
        this.schedule();
      });
  }

  private async record(): Promise<void> {
    const users = [...this.changed];
    this.changed.clear();
    const counts = new Map(users.map((userId) => [userId, this.registry.connectionsOf(userId)?.size ?? 0]));
    const opened = new Map(users.flatMap((userId) => (this.opened.has(userId) ? [[userId, this.opened.get(userId)!] as const] : [])));
    for (const userId of opened.keys()) this.opened.delete(userId);
    const elsewhere = await this.repository.record(this.bus.instanceId, counts);
    for (const [userId, connections] of opened) this.closeExcess(userId, connections, elsewhere.get(userId) ?? 0);
  }

  /** Closes the newest of `connections` that are past the cap with those elsewhere; older ones stay. */
  private closeExcess(userId: string, connections: DeviceConnection[], elsewhere: number): void {
    const here = this.registry.connectionsOf(userId);
    let excess = (here?.size ?? 0) + elsewhere - this.maxPerUser;
    for (const connection of [...connections].reverse()) {
      if (excess <= 0) return;
      if (!here?.has(connection)) continue;
      this.registry.remove(connection);
      connection.close(POLICY_CLOSE, `MAX_CONNECTIONS_PER_USER: ${this.maxPerUser} device connections across instances`);
      excess -= 1;
    }
  }
}
