import { jsonTextProblem } from '../../common/json-text.js';
import { isUserId } from '../../common/user-id.js';

/** What a `/subscribe_to_events` client asks for in its first frame: `{"access_id", "timestamp"}`. */
export interface Subscription {
  accessId: string;
  /** Replay every notification created at or after this instant. */
  from: Date;
}

const MAX_EPOCH_MS = 8.64e15;

/** The subscription, or what is wrong with the frame (sent as the close reason). */
export function parseSubscription(text: string): Subscription | { problem: string } {
  const problem = jsonTextProblem(text);
  if (problem !== undefined) return { problem };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'the first frame must be JSON {"access_id", "timestamp"}' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'the first frame must be a JSON object {"access_id", "timestamp"}' };
  const { access_id: accessId, timestamp } = value as Record<string, unknown>;
  if (!isUserId(accessId)) return { problem: 'access_id must be a user id' };
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp < 0 || timestamp > MAX_EPOCH_MS) {
    return { problem: 'timestamp must be an integer number of milliseconds since the epoch' };
  }
  return { accessId, from: new Date(timestamp) };
}
