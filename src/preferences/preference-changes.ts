import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PreferencesRepository } from './preferences.repository.js';

const FIRST_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Tells every instance (this one included, through its bus) that users' preferences changed;
 * the service calls it after the change committed. Each instance then reads the preferences
 * and sends them to the user's devices connected there (PreferencesDelivery). What the
 * database cannot take now is kept and retried, so a committed change is announced unless
 * this process dies first.
 */
@Injectable()
export class PreferenceChanges implements OnApplicationShutdown {
  private readonly logger = new Logger(PreferenceChanges.name);
  private pending = new Set<string>();
  private announcing: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly repository: PreferencesRepository) {}

  publish(userId: string): void {
    this.pending.add(userId);
    this.announcing ??= this.announce().finally(() => (this.announcing = undefined));
  }

  // Runs before the database pool closes (DatabaseModule is global, so it shuts down last).
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.announcing;
  }

  private async announce(): Promise<void> {
    let failures = 0;
    while (this.pending.size > 0) {
      const users = this.pending;
      this.pending = new Set();
      try {
        await this.repository.announceChanged(users);
        failures = 0;
      } catch (error) {
        failures += 1;
        for (const userId of users) this.pending.add(userId);
        this.logger.warn(`announcing changed preferences of ${users.size} users failed (attempt ${failures}): ${(error as Error).message}`);
        if (this.stopping) return;
        await sleep(Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** failures), undefined, { ref: false });
      }
    }
  }
}
