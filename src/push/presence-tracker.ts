import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Bus } from '../bus/bus.js';
import { DeviceRegistry } from '../realtime/core/device-registry.js';
import { PresenceRepository } from './presence.repository.js';

const HOUSEKEEPING_INTERVAL_MS = 60_000;

/**
 * Mirrors this instance's connected users into the database, where every instance's push
 * worker reads them. Writes go one after another, so that a quick connect-disconnect lands in
 * order. Rows are keyed by the bus's instance id: a crashed instance's rows die with its bus
 * connection (see PushJobsRepository).
 */
@Injectable()
export class PresenceTracker implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PresenceTracker.name);
  private writes: Promise<void> = Promise.resolve();
  private closing = false;
  private housekeeping: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly repository: PresenceRepository,
    private readonly bus: Bus,
  ) {}

  onModuleInit(): void {
    this.registry.on('userConnected', (userId) => this.write(() => this.repository.connected(userId, this.bus.instanceId)));
    this.registry.on('userDisconnected', (userId) => this.write(() => this.repository.disconnected([userId], this.bus.instanceId)));
    this.housekeeping = setInterval(() => this.write(() => this.repository.forgetDeadInstances()), HOUSEKEEPING_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearInterval(this.housekeeping);
    const users = [...this.registry.users()];
    await this.writes;
    await this.repository.disconnected(users, this.bus.instanceId).catch((error: Error) => this.logger.warn(`could not record leaving users: ${error.message}`));
  }

  private write(statement: () => Promise<void>): void {
    if (this.closing) return;
    this.writes = this.writes.then(statement).catch((error: Error) => this.logger.warn(`presence not recorded: ${error.message}`));
  }
}
