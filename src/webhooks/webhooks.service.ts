import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { hookData } from './hook-body.js';
import { TokenBuckets } from '../common/token-buckets.js';
import { isWebhookId, type CreatedWebhook, type HookDelivery, type WebhookRecord } from './webhook.js';
import { hashWebhookSecret, isWebhookSecret, newWebhookSecret } from './webhook-secret.js';
import { WebhooksRepository } from './webhooks.repository.js';

const UNKNOWN_HOOK = 'no such webhook: the URL is unknown or was revoked';

/** Any device with a ticket may ask for webhooks: a bound keeps one from filling the table. */
export const MAX_WEBHOOKS_PER_USER = 100;

/** Webhook URLs (docs/api.md): capabilities to notify one user, stored as hashes only. */
@Injectable()
export class WebhooksService {
  /**
   * Calls of one hook, per instance: by default 10 a second sustained, bursts of 20
   * (WEBHOOK_RATE, WEBHOOK_BURST). Enough for a CI pipeline or an alerting system, and a
   * leaked URL cannot flood its user's inbox faster.
   */
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
  ) {
    this.buckets = new TokenBuckets({ perSecond: config.webhookRatePerSecond, burst: config.webhookBurst });
  }

  async create(userId: string): Promise<CreatedWebhook> {
    const secret = newWebhookSecret();
    const created = await this.repository.createWithin(userId, hashWebhookSecret(secret), MAX_WEBHOOKS_PER_USER);
    if (!created) throw new ConflictError(`this user already has ${MAX_WEBHOOKS_PER_USER} webhooks; revoke one (DELETE /api/webhooks/:id) first`);
    return { id: created.id, url: `${this.config.publicUrl}/hooks/${secret}` };
  }

  list(userId: string): Promise<WebhookRecord[]> {
    return this.repository.listOf(userId);
  }

  async revoke(id: string): Promise<void> {
    if (!isWebhookId(id) || !(await this.repository.delete(id))) throw new NotFoundError(`webhook ${id} not found`);
  }

  /**
   * Stores the call's data as a notification of the hook's user through the one ingest path,
   * so it is checked, stored and pushed exactly like one posted to the API. Messages never
   * name the secret: it is a credential.
   */
  async deliver(secret: string, body: string, idempotencyKey?: string): Promise<HookDelivery> {
    if (!isWebhookSecret(secret)) throw new NotFoundError(UNKNOWN_HOOK);
    const secretHash = hashWebhookSecret(secret);
    // Limited before the lookup: a flood on one URL costs no database work past the limit.
    const waitMs = this.buckets.take(secretHash);
    if (waitMs > 0) return { retryAfterSeconds: Math.ceil(waitMs / 1000) };
    const hook = await this.repository.findBySecretHash(secretHash);
    if (!hook) throw new NotFoundError(UNKNOWN_HOOK);
    const [created] = await this.notifications.create({ userIds: [hook.userId], data: hookData(body), idempotencyKey });
    return { notificationId: created.id };
  }
}
