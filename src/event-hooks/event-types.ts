/** The events a hook may subscribe to (docs/events.md). */
export const EVENT_TYPES = [
  'notification.created',
  'notification.updated',
  'notification.seen',
  'notification.read',
  'notification.archived',
  'notification.deleted',
  'notification.expired',
  'push.sent',
  'push.failed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export type PushEventType = Extract<EventType, `push.${string}`>;

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
