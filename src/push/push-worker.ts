import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { Bus } from '../bus/bus.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { EventHooksService } from '../event-hooks/event-hooks.service.js';
import { Metrics } from '../metrics/metrics.js';
import { PreferencesService } from '../preferences/preferences.service.js';
import { StatsService } from '../stats/stats.service.js';
import { payloadOf, topicOf, type ClaimedPushJob } from './push-job.js';
import { PushJobsRepository, type OutcomeReport } from './push-jobs.repository.js';
import { FcmSender } from './senders/fcm.sender.js';
import { SEND_TIMEOUT_MS, WebPushSender } from './senders/web-push.sender.js';
import type { SendOutcome } from './senders/send-outcome.js';

const POLL_INTERVAL_MS = 1_000;
// Announcements come with every notification: a rest after each pass keeps a burst of them to
// at most ten passes a second.
const PASS_REST_MS = 100;
const BATCH = 50;
// Longer than any send (two FCM calls and a token fetch, each bounded): a job is never sent
// by a second instance while the first still works on it.
const LEASE_MS = 4 * SEND_TIMEOUT_MS;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 60 * 60_000;
// Ten attempts over about 45 minutes; a service down longer gets the inbox, not a push.
const MAX_ATTEMPTS = 10;

/**
 * Sends due pushes: polls the queue each second and at once when an announcement says a
 * user's inbox changed (a push 'always' or a clear may just have been queued), unless the last
 * poll found no push subscription at all: then no job can have been queued, and announcements,
 * which come with nearly every notification, cost the database nothing here.
 */
@Injectable()
export class PushWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PushWorker.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private resting: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Whether the last poll found any push subscription; true until the first poll says. */
  private subscriptionsExist = true;
  private recheckSubscriptions = false;

  constructor(
    private readonly repository: PushJobsRepository,
    private readonly webPush: WebPushSender,
    private readonly fcm: FcmSender,
    private readonly config: AppConfig,
    private readonly bus: Bus,
    private readonly preferences: PreferencesService,
    private readonly stats: StatsService,
    private readonly events: EventHooksService,
    private readonly clock: Clock,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.metrics) this.metrics.pushQueueDepthReader = () => this.repository.depth();
    this.bus.on('unseenChanged', this.announced);
    this.timer = setInterval(this.poll, POLL_INTERVAL_MS);
    this.poll();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.resting);
    this.bus.off('unseenChanged', this.announced);
    await this.running;
  }

  private readonly poll = (): void => {
    this.recheckSubscriptions = true;
    this.wake();
  };

  private readonly announced = (): void => {
    if (this.subscriptionsExist) this.wake();
  };

  /** Runs a pass now, or right after the one under way and its rest. */
  private readonly wake = (): void => {
    if (this.stopped) return;
    if (this.running || this.resting) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.resting = setTimeout(() => {
        this.resting = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      }, PASS_REST_MS);
    });
  };

  private async drain(): Promise<void> {
    try {
      if (this.recheckSubscriptions) {
        this.recheckSubscriptions = false;
        this.subscriptionsExist = await this.repository.anySubscription();
      }
      // Jobs belong to subscriptions (deleted with them): none can be due.
      if (!this.subscriptionsExist) return;
      await this.repository.releaseHeld(this.clock.now());
      let claimed: ClaimedPushJob[];
      do {
        claimed = await this.repository.claimDue(this.config.pushGraceMs, BATCH, LEASE_MS);
        await Promise.all(claimed.map((job) => this.deliver(job)));
      } while (claimed.length === BATCH && !this.stopped);
    } catch (error) {
      this.logger.warn(`push pass failed: ${(error as Error).message}`);
    }
  }

  private async deliver(job: ClaimedPushJob): Promise<void> {
    if (await this.heldBack(job)) return;
    const outcome = await this.send(job);
    this.metrics?.pushTotal.inc({ provider: job.provider, result: outcome.result });
    switch (outcome.result) {
      case 'sent':
        return this.repository.recordSent(job.id, this.report(job, true));
      case 'gone':
        return this.repository.deleteSubscription(job.subscriptionId, this.report(job, false, 'the subscription is gone'));
      case 'failed':
        // The subscription's id, never its address: endpoints and tokens are secrets.
        this.logger.warn(`push ${job.id} to subscription ${job.subscriptionId} refused: ${outcome.reason}`);
        return this.repository.drop(job.id, this.report(job, false, outcome.reason));
      case 'retry':
        if (job.attempts >= MAX_ATTEMPTS) {
          this.logger.warn(`push ${job.id} to subscription ${job.subscriptionId} given up after ${job.attempts} attempts: ${outcome.reason}`);
          return this.repository.drop(job.id, this.report(job, false, `given up after ${job.attempts} attempts: ${outcome.reason}`));
        }
        return this.repository.retryLater(job.id, retryDelayMs(job.attempts, outcome.retryAfterMs));
    }
  }

  /**
   * The user's preferences, asked once per notification push (on its first attempt): a
   * category with push off drops it; quiet hours hold it until their end on the application's
   * clock, when a pass releases it and the policy query sends it only if it is still unseen.
   */
  private async heldBack(job: ClaimedPushJob): Promise<boolean> {
    if (job.kind !== 'notification' || job.attempts > 1) return false;
    const now = this.clock.now();
    const decision = await this.preferences.pushDecision(job.userId, job.notification!.category, now);
    if (!decision.push) {
      await this.repository.drop(job.id);
      return true;
    }
    if (decision.notBefore === null || decision.notBefore <= now) return false;
    await this.repository.holdUntil(job.id, decision.notBefore);
    return true;
  }

  /** A notification push's final outcome, for the statistics and the push.sent/push.failed events; clears are not reported. */
  private report(job: ClaimedPushJob, sent: boolean, error?: string): OutcomeReport | undefined {
    if (job.kind !== 'notification') return undefined;
    const at = new Date();
    const { id, category } = job.notification!;
    return async (db) => {
      await this.stats.recordPushOutcomes([{ at, category, sent }], db);
      await this.events.enqueuePushEvents(
        [{ type: sent ? 'push.sent' : 'push.failed', at, userId: job.userId, ids: [id], version: job.version, subscriptionId: job.subscriptionId, ...(error === undefined ? {} : { error }) }],
        db,
      );
    };
  }

  private send(job: ClaimedPushJob): Promise<SendOutcome> {
    const payload = payloadOf(job);
    if (job.provider === 'fcm') return this.fcm.send(job.address, payload);
    return this.webPush.send({ endpoint: job.address, p256dh: job.p256dh!, auth: job.auth! }, JSON.stringify(payload), topicOf(job));
  }
}

/** The service's Retry-After when it gave one (capped at an hour), else exponential from 5 s. */
export function retryDelayMs(attempts: number, retryAfterMs: number | undefined): number {
  return Math.min(MAX_RETRY_MS, retryAfterMs ?? FIRST_RETRY_MS * 2 ** (attempts - 1));
}
