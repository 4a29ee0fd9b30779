import { randomUUID } from 'node:crypto';
import { Http, type HttpOptions } from './http.js';
import type {
  ChangesPage,
  CreatedWebhook,
  DroppedConnections,
  ListQuery,
  MarkResult,
  MarkSelector,
  MarkSet,
  NotificationPage,
  NotifyInput,
  NotifyResult,
  SeenResult,
  SeenSelector,
  Ticket,
  UnseenCount,
  UserCounts,
  WebhookList,
} from './types.js';

export type PnsClientOptions = HttpOptions;

/**
 * The backend API of one pns. Every method answers pns's JSON, rejects with a `PnsError` when
 * pns answers an error status and with a `PnsNetworkError` when no answer came.
 */
export class PnsClient {
  private readonly http: Http;

  constructor(options: PnsClientOptions) {
    this.http = new Http(options);
  }

  /**
   * Stores a notification for one user or each of `userIds` (up to 1000), committed before
   * this resolves. Its idempotency key (given, or made here once per call) goes with every
   * retry, so a retry after a lost answer gets the original ids and stores nothing new.
   */
  async notify(input: NotifyInput): Promise<NotifyResult> {
    if (input.data === undefined) throw new TypeError('data is required: any JSON value, null included');
    const body = { ...input, idempotencyKey: input.idempotencyKey ?? randomUUID(), expiresAt: isoDate(input.expiresAt) };
    return this.http.send({ method: 'POST', path: '/api/notifications', body, mode: 'idempotent' });
  }

  /** The user's notifications, newest first; pass `nextCursor` back as `cursor` for the next page. */
  list(userId: string, query: ListQuery = {}): Promise<NotificationPage> {
    return this.http.send({ method: 'GET', path: `${userPath(userId)}/notifications`, query: { ...query }, mode: 'idempotent' });
  }

  unseenCount(userId: string): Promise<UnseenCount> {
    return this.http.send({ method: 'GET', path: `${userPath(userId)}/unseen-count`, mode: 'idempotent' });
  }

  /**
   * Marks notifications seen; the user's devices hear the new count. Marking is idempotent, so
   * it is retried: `updated` then counts what the last attempt changed.
   */
  markSeen(userId: string, selector: SeenSelector): Promise<SeenResult> {
    return this.http.send({ method: 'POST', path: `${userPath(userId)}/notifications/seen`, body: selector, mode: 'idempotent' });
  }

  /** The user's counts (unseen, unread, total, per category) and inbox version. */
  counts(userId: string): Promise<UserCounts> {
    return this.http.send({ method: 'GET', path: `${userPath(userId)}/counts`, mode: 'idempotent' });
  }

  /**
   * Sets a mark on the notifications `selector` names (`until` is required for `snoozed`).
   * Retried like `markSeen`: `updated` counts what the last attempt changed.
   */
  mark(userId: string, set: MarkSet, selector: MarkSelector): Promise<MarkResult> {
    const body: Record<string, unknown> = { set, ...selector, until: isoDate(selector.until) };
    if ('filter' in selector) body.filter = { ...selector.filter, createdBefore: isoDate(selector.filter.createdBefore) };
    return this.http.send({ method: 'POST', path: `${userPath(userId)}/notifications/mark`, body, mode: 'idempotent' });
  }

  /**
   * The user's changes after version `since`, oldest first (`limit` 1–1000, pns's default 100).
   * Rejects with `PnsGoneError` (and the current `version`) when pns no longer keeps them.
   */
  changes(userId: string, since: number, limit?: number): Promise<ChangesPage> {
    return this.http.send({ method: 'GET', path: `${userPath(userId)}/changes`, query: { since, limit }, mode: 'idempotent' });
  }

  /**
   * Deletes a notification; the user's devices hear the new count. A 404 rejects, except on a
   * retry after an attempt whose answer was lost: that attempt deleted it.
   */
  async deleteNotification(id: string): Promise<void> {
    await this.http.send({ method: 'DELETE', path: `/api/notifications/${encodeURIComponent(id)}`, mode: 'idempotent', goneMeansDone: true });
  }

  /** Closes every live device connection of the user, on every instance of pns (close code 4001). */
  dropConnections(userId: string): Promise<DroppedConnections> {
    return this.http.send({ method: 'DELETE', path: `${userPath(userId)}/connections`, mode: 'idempotent' });
  }

  /**
   * Registers a connection ticket for the user's device, good for `TICKET_TTL`. Without a
   * `connectionId` a random UUID is made. Hand `connectionId` to the device.
   */
  async registerTicket(userId: string, connectionId: string = randomUUID()): Promise<Ticket> {
    const ticket = await this.http.send<Omit<Ticket, 'connectionId'>>({
      method: 'PUT',
      path: `/api/${encodeURIComponent(userId)}/register`,
      query: { connectionId },
      mode: 'idempotent',
    });
    return { connectionId, ...ticket };
  }

  /**
   * A new webhook URL that notifies this user. Not retried once sent (a retry would make a
   * second URL), only when pns refused the connection or asked to come back later (429).
   */
  createWebhook(userId: string): Promise<CreatedWebhook> {
    return this.http.send({ method: 'POST', path: `${userPath(userId)}/webhooks`, mode: 'once' });
  }

  /** The user's webhook URLs, newest first, without their secrets. */
  listWebhooks(userId: string): Promise<WebhookList> {
    return this.http.send({ method: 'GET', path: `${userPath(userId)}/webhooks`, mode: 'idempotent' });
  }

  /** Revokes a webhook URL at once. A 404 rejects, except on a retry after a lost answer, as for `deleteNotification`. */
  async revokeWebhook(id: string): Promise<void> {
    await this.http.send({ method: 'DELETE', path: `/api/webhooks/${encodeURIComponent(id)}`, mode: 'idempotent', goneMeansDone: true });
  }
}

function userPath(userId: string): string {
  return `/api/users/${encodeURIComponent(userId)}`;
}

function isoDate(value: Date | string | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}
