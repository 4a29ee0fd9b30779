import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DeviceRegistry } from '../realtime/core/device-registry.js';
import { StatsRepository } from './stats.repository.js';
import type { GlobalStats, PushOutcome, StatsWindow, UserStats } from './stats.js';

/** Numbers about what happens to notifications (docs/events.md#statistics). */
@Injectable()
export class StatsService {
  constructor(
    private readonly repository: StatsRepository,
    private readonly devices: DeviceRegistry,
  ) {}

  global(window: StatsWindow): Promise<GlobalStats> {
    return this.repository.global(window);
  }

  /** `liveDevices` counts this instance's connections of the user (docs/events.md#statistics). */
  async ofUser(userId: string): Promise<UserStats> {
    const stored = await this.repository.ofUser(userId);
    return { ...stored, liveDevices: this.devices.connectionsOf(userId)?.size ?? 0 };
  }

  /** For the push module: counts sent and failed pushes (pass `db` to count inside your transaction). */
  recordPushOutcomes(outcomes: readonly PushOutcome[], db?: Pick<pg.ClientBase, 'query'>): Promise<void> {
    return this.repository.recordPushOutcomes(outcomes, db);
  }
}
