import { Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { EndpointAllowList } from './endpoint-allow-list.js';
import { parsePushSubscription, type PushSubscriptionRecord } from './push-subscription.js';
import { PushSubscriptionsRepository } from './push-subscriptions.repository.js';
import { VapidKeys } from './vapid-keys.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Subscriptions from REST and from device frames alike. */
@Injectable()
export class PushSubscriptionsService {
  private readonly allowList: EndpointAllowList;

  constructor(
    private readonly repository: PushSubscriptionsRepository,
    private readonly vapid: VapidKeys,
    private readonly config: AppConfig,
  ) {
    this.allowList = new EndpointAllowList(config.pushEndpoints);
  }

  /** `value` as posted or framed; the same endpoint or token again answers the same id. */
  async subscribe(userId: string, value: unknown): Promise<{ id: string }> {
    const subscription = parsePushSubscription(value, (endpoint) => this.allowList.allows(endpoint));
    if (subscription.kind === 'webpush' && (await this.vapid.current()) === undefined) throw new InvalidInputError('Web Push is not configured on this server (VAPID_* unset in production)');
    if (subscription.kind === 'fcm' && this.config.fcmServiceAccount === undefined) throw new InvalidInputError('FCM is not configured on this server (FCM_SERVICE_ACCOUNT unset)');
    return { id: await this.repository.upsert(userId, subscription) };
  }

  list(userId: string): Promise<PushSubscriptionRecord[]> {
    return this.repository.listOf(userId);
  }

  async remove(id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.repository.delete(id))) throw new NotFoundError(`push subscription ${id} not found`);
  }

  /** For a device: only its own user's subscription, and idempotent (gone already is fine). */
  async unsubscribe(userId: string, id: unknown): Promise<{ id: string }> {
    if (typeof id !== 'string' || !UUID.test(id)) throw new InvalidInputError('id: expected a push subscription id');
    await this.repository.delete(id, userId);
    return { id };
  }

  /** Undefined when Web Push is off. */
  async vapidPublicKey(): Promise<string | undefined> {
    return (await this.vapid.current())?.publicKey;
  }
}
