import { Injectable } from '@nestjs/common';
import { PreferencesService } from '../preferences/preferences.service.js';
import type { ClaimedPushJob } from './push-job.js';

/** What the user's preferences make of a claimed push: send it, drop it, or hold it until quiet hours end. */
export type PushVerdict = { readonly send: true } | { readonly send: false; readonly postponeUntil?: Date };

/**
 * The user's side of the push policy (docs/lifecycle.md#push-and-preferences), asked when a push is due
 * rather than at ingest: preferences and the hour may change while it waits. `push: false`
 * drops it; in quiet hours it waits for their end, when the queue judges it again (still
 * unseen, user still away). Clears always go: they only take back what a device shows.
 */
@Injectable()
export class PushGate {
  constructor(private readonly preferences: PreferencesService) {}

  async verdict(job: ClaimedPushJob, now: Date): Promise<PushVerdict> {
    if (job.kind === 'clear') return { send: true };
    const { userId, category } = job.notification!;
    const decision = await this.preferences.pushDecision(userId, category, now);
    if (!decision.push) return { send: false };
    return decision.notBefore && decision.notBefore.getTime() > now.getTime() ? { send: false, postponeUntil: decision.notBefore } : { send: true };
  }
}
