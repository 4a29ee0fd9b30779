import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { StatsRepository } from './stats.repository.js';
import type { GlobalStats, PushOutcome, StatsWindow } from './stats.js';

/** Numbers about what happens to notifications (docs/events.md#statistics). */
@Injectable()
export class StatsService {
  constructor(private readonly repository: StatsRepository) {}

  global(window: StatsWindow): Promise<GlobalStats> {
    return this.repository.global(window);
  }

  /** For the push module: counts sent and failed pushes (pass `db` to count inside your transaction). */
  recordPushOutcomes(outcomes: readonly PushOutcome[], db?: Pick<pg.ClientBase, 'query'>): Promise<void> {
    return this.repository.recordPushOutcomes(outcomes, db);
  }
}
