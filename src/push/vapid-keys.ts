import { Injectable, OnModuleInit } from '@nestjs/common';
import webpush from 'web-push';
import { AppConfig, type VapidConfig } from '../config/app-config.js';
import { PushSubscriptionsRepository } from './push-subscriptions.repository.js';

/**
 * The VAPID identity pns signs Web Push requests with: the configured one, or outside
 * production one generated once and kept in the database, so that browsers' subscriptions
 * (bound to the public key) survive restarts. In production without configured keys Web Push
 * is off (docs/push.md).
 */
@Injectable()
export class VapidKeys implements OnModuleInit {
  private keys: VapidConfig | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: PushSubscriptionsRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.vapid) this.keys = this.config.vapid;
    else if (!this.config.production) {
      this.keys = { ...(await this.repository.vapidKeys(webpush.generateVAPIDKeys())), subject: this.config.vapidSubject };
    }
  }

  /** Undefined when Web Push is off. */
  get current(): VapidConfig | undefined {
    return this.keys;
  }
}
