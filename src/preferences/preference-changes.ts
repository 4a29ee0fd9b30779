import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { Preferences } from './preferences.js';

export interface PreferenceChangeEvents {
  /** A user's preferences changed and the change has committed. */
  changed: [userId: string, preferences: Preferences];
}

/**
 * Where the realtime core hears that a user's preferences changed, to send every device of
 * that user `{"preferences": …}`. In-process: a change made through another instance is
 * announced on that instance.
 */
@Injectable()
export class PreferenceChanges extends EventEmitter<PreferenceChangeEvents> {}
