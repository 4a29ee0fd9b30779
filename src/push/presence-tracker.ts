import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Bus } from '../bus/bus.js';
import { PacedBatches } from '../common/paced-batches.js';
import { DeviceRegistry } from '../realtime/core/device-registry.js';
import { PresenceChanges } from './presence-changes.js';
import { PresenceRepository } from './presence.repository.js';

const HOUSEKEEPING_INTERVAL_MS = 60_000;
/** Presence writes start at least this far apart: a reconnect storm is then a few writes a second. */
const WRITE_SPACING_MS = 100;

/**
 * Mirrors this instance's connected users into the database, where every instance's push
 * worker reads them. Writes go one after another, so that a quick connect-disconnect lands in
 * order; the connects and disconnects that come while one runs are written together by the
 * next. Rows are keyed by the bus's instance id: a crashed instance's rows die with its bus
 * connection (see PushJobsRepository).
 */
@Injectable()
export class PresenceTracker implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PresenceTracker.name);
  private writes: Promise<void> = Promise.resolve();
  private readonly changes = new PresenceChanges();
  private changesQueued = false;
  private readonly pacedWrites = new PacedBatches<undefined>(WRITE_SPACING_MS, () => this.write(() => this.writeChanges()));
  private closing = false;
  private housekeeping: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly repository: PresenceRepository,
    private readonly bus: Bus,
  ) {}

  onModuleInit(): void {
    this.registry.on('userConnected', (userId) => this.changed(() => this.changes.connected(userId)));
    this.registry.on('userDisconnected', (userId) => this.changed(() => this.changes.disconnected(userId)));
    this.housekeeping = setInterval(() => this.write(() => this.repository.forgetDeadInstances()), HOUSEKEEPING_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.pacedWrites.stop();
    clearInterval(this.housekeeping);
    const users = [...this.registry.users()];
    // Departures already gathered keep their time; the connected are all recorded as leaving below.
    await this.writes.then(() => this.writeChanges()).catch((error: Error) => this.logger.warn(`presence not recorded: ${error.message}`));
    await this.repository.disconnected(users, this.bus.instanceId).catch((error: Error) => this.logger.warn(`could not record leaving users: ${error.message}`));
  }

  private changed(record: () => void): void {
    if (this.closing) return;
    record();
    if (this.changesQueued) return;
    this.changesQueued = true;
    this.pacedWrites.add(undefined);
  }

  private async writeChanges(): Promise<void> {
    this.changesQueued = false;
    const { departed, present } = this.changes.take();
    await this.repository.disconnected(departed, this.bus.instanceId);
    await this.repository.connected(present, this.bus.instanceId);
  }

  private write(statement: () => Promise<void>): void {
    if (this.closing) return;
    this.writes = this.writes.then(statement).catch((error: Error) => this.logger.warn(`presence not recorded: ${error.message}`));
  }
}
