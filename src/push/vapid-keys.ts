import { Injectable } from '@nestjs/common';
import webpush from 'web-push';
import { AppConfig, type VapidConfig } from '../config/app-config.js';
import { PushSubscriptionsRepository } from './push-subscriptions.repository.js';

/**
 * The VAPID identity pns signs Web Push requests with: the configured one, or outside
 * production one generated once and kept in the database, so that browsers' subscriptions
 * (bound to the public key) survive restarts. In production without configured keys Web Push
 * is off (docs/push.md). Read on first use, so that starting needs no query of its own.
 */
@Injectable()
export class VapidKeys {
  private stored: Promise<VapidConfig> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: PushSubscriptionsRepository,
  ) {}

  /** Undefined when Web Push is off. */
  async current(): Promise<VapidConfig | undefined> {
    if (this.config.vapid) return this.config.vapid;
    if (this.config.production) return undefined;
    this.stored ??= this.repository
      .vapidKeys(webpush.generateVAPIDKeys())
      .then((keys) => ({ ...keys, subject: this.config.vapidSubject }))
      // A failed read (the database away) is tried again by the next caller.
      .catch((error: unknown) => {
        this.stored = undefined;
        throw error;
      });
    return this.stored;
  }
}
