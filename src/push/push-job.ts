import type { PushDisplay } from './push-display.js';
import type { PushKind } from './push-subscription.js';

/** A claimed job, with what its push needs: the subscription's address and keys, the notification. */
export interface ClaimedPushJob {
  id: string;
  kind: 'notification' | 'clear';
  attempts: number;
  subscriptionId: string;
  /** The subscription's user. */
  userId: string;
  provider: PushKind;
  /** The endpoint URL or the FCM token. */
  address: string;
  p256dh: string | null;
  auth: string | null;
  /** kind 'notification' */
  notification: { id: string; data: unknown; category: string | null; display: PushDisplay | null } | undefined;
  /** kind 'clear' */
  clearedIds: string[];
  /** The user's inbox version when the job was claimed. */
  version: number;
}

// A Web Push body holds about 3,990 bytes of payload once encrypted (RFC 8291), FCM 4 KB of
// data; JSON escaping inside FCM's strings costs some more. Beyond this, `data` stays home.
const MAX_PAYLOAD_BYTES = 3_000;

/**
 * The push payloads (docs/push.md). A notification whose data would not fit goes without
 * `data` (the app reads it by id).
 */
export function payloadOf(job: ClaimedPushJob): Record<string, unknown> {
  if (job.kind === 'clear') return { type: 'clear', ids: job.clearedIds, version: job.version };
  const { id, data, category, display } = job.notification!;
  const payload = { type: 'notification', id, data, category, version: job.version, ...(display ? { display } : {}) };
  if (Buffer.byteLength(JSON.stringify(payload)) <= MAX_PAYLOAD_BYTES) return payload;
  const { data: _left, ...withoutData } = payload;
  return withoutData;
}

/**
 * A push of one notification replaces an undelivered push of it still queued at the push
 * service, and so does the clear of that one notification: a device offline all along sees neither.
 */
export function topicOf(job: ClaimedPushJob): string | undefined {
  if (job.kind === 'notification') return `n${job.notification!.id}`;
  return job.clearedIds.length === 1 ? `n${job.clearedIds[0]}` : undefined;
}
