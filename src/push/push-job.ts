import type { PushKind } from './push-subscription.js';

/** Display hints the application gave for the push (`pushDisplay`). */
export interface PushDisplay {
  title: string;
  body?: string;
  url?: string;
}

/** A claimed job, with what its push needs: the subscription's address and keys, the notification. */
export interface ClaimedPushJob {
  id: string;
  kind: 'notification' | 'clear';
  attempts: number;
  subscriptionId: string;
  provider: PushKind;
  /** The endpoint URL or the FCM token. */
  address: string;
  p256dh: string | null;
  auth: string | null;
  /** kind 'notification' */
  notification: { id: string; data: unknown; category: string | null; display: PushDisplay | null } | undefined;
  /** kind 'clear' */
  clearedIds: string[];
}

/** The contract's push payloads (docs/push.md). The version joins when the change log exists. */
export function payloadOf(job: ClaimedPushJob): Record<string, unknown> {
  if (job.kind === 'clear') return { type: 'clear', ids: job.clearedIds, version: null };
  const { id, data, category, display } = job.notification!;
  return { type: 'notification', id, data, category, version: null, ...(display ? { display } : {}) };
}

/**
 * A push of one notification replaces an undelivered push of it still queued at the push
 * service, and so does the clear of that one notification: a device offline all along sees neither.
 */
export function topicOf(job: ClaimedPushJob): string | undefined {
  if (job.kind === 'notification') return `n${job.notification!.id}`;
  return job.clearedIds.length === 1 ? `n${job.clearedIds[0]}` : undefined;
}
