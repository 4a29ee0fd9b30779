/** A webhook as the service sees it: never its secret, which is not stored. */
export interface WebhookRecord {
  id: string;
  userId: string;
  createdAt: Date;
}

/** The one answer that carries the secret, inside `url`. */
export interface CreatedWebhook {
  id: string;
  url: string;
}

/** A call of a hook: the notification it stored, or how long to wait before the next call is taken. */
export type HookDelivery = { notificationId: string } | { retryAfterSeconds: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a webhook (and would fail the database's cast). */
export function isWebhookId(text: string): boolean {
  return UUID.test(text);
}
