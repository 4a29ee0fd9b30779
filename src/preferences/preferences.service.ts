import { Injectable } from '@nestjs/common';
import { PreferenceChanges } from './preference-changes.js';
import { DEFAULT_PREFERENCES, parsePreferences, pushAllowed, type Preferences } from './preferences.js';
import { PreferencesRepository } from './preferences.repository.js';
import { quietHoursEnd } from './quiet-hours.js';

/** Whether to push now, later (after quiet hours), or never. */
export type PushDecision = { readonly push: false } | { readonly push: true; readonly notBefore: Date | null };

/** A user's preferences (docs/events.md#preferences): what they want stored and pushed, and when. */
@Injectable()
export class PreferencesService {
  constructor(
    private readonly repository: PreferencesRepository,
    private readonly changes: PreferenceChanges,
  ) {}

  /** The user's preferences; the defaults when they never set any. */
  async get(userId: string): Promise<Preferences> {
    return (await this.repository.ofUsers([userId])).get(userId) ?? DEFAULT_PREFERENCES;
  }

  /**
   * Replaces the user's preferences with `sent` (a REST body or a device frame's value, checked
   * here), then, once committed, announces the change to every instance.
   */
  async update(userId: string, sent: unknown): Promise<Preferences> {
    const preferences = parsePreferences(sent);
    await this.repository.save(userId, preferences);
    this.changes.publish(userId);
    return preferences;
  }

  /** The preferences of each of `userIds`, the defaults for those who never set any. */
  async ofUsers(userIds: readonly string[]): Promise<Map<string, Preferences>> {
    const stored = await this.repository.ofUsers(userIds);
    return new Map(userIds.map((userId) => [userId, stored.get(userId) ?? DEFAULT_PREFERENCES]));
  }

  async allowsPush(userId: string, category: string | null | undefined): Promise<boolean> {
    return pushAllowed(await this.get(userId), category);
  }

  /** For push: never (`push: false`), or not before the end of the user's quiet hours (null: now). */
  async pushDecision(userId: string, category: string | null | undefined, now: Date): Promise<PushDecision> {
    const preferences = await this.get(userId);
    if (!pushAllowed(preferences, category)) return { push: false };
    return { push: true, notBefore: preferences.quietHours && quietHoursEnd(preferences.quietHours, now) };
  }
}
