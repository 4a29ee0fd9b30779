import type { DeliveryStatus, EventType, PushEventType } from './event-types.js';

export interface EventHookRecord {
  readonly id: string;
  readonly url: string;
  readonly events: EventType[];
  readonly createdAt: Date;
}

export interface CreatedEventHook {
  readonly id: string;
  /** `whsec_<base64>`: given out once, at creation. */
  readonly secret: string;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly type: EventType;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly lastAttemptAt: Date | null;
  /** When the next attempt is due; null once delivered or failed. */
  readonly nextAttemptAt: Date | null;
  readonly lastError: string | null;
  readonly payload: unknown;
}

/** A delivery taken by this worker for one attempt, with what it needs to send it. */
export interface ClaimedDelivery {
  readonly id: string;
  /** The body exactly as stored; it is what gets signed and sent. */
  readonly body: string;
  /** Attempts so far, this one included. */
  readonly attempts: number;
  readonly createdAt: Date;
  readonly url: string;
  readonly secret: string;
}

/**
 * A push outcome to report to the hooks that subscribe to it (the push module calls
 * EventHooksService.enqueuePushEvents, in its own transaction when it has one).
 */
export interface PushEvent {
  readonly type: PushEventType;
  readonly at: Date;
  readonly userId: string;
  readonly ids: readonly string[];
  readonly version?: number;
  /** Which subscription, and for push.failed why, as the push module words it. */
  readonly subscriptionId?: string;
  readonly error?: string;
}
