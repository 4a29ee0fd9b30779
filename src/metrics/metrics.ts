import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PrismaService } from '../database/prisma.service.js';
import type { DeviceAnswers, ErrorFrame, PushedFrame, RequestName } from '../realtime/core/frames.js';
import type { Transport } from '../realtime/core/device-connection.js';
import { DeviceRequestMetrics } from './device-request-metrics.js';
import { HttpMetrics } from './http-metrics.js';

// The label values known up front, so that every series exists from the first scrape (a
// series born at its first event hides that event from rate()); the compiler keeps them complete.
const TRANSPORTS: Record<Transport, true> = { websocket: true, sse: true };
// A frame is named by its first key (OutgoingFrame.entry); answers of several shapes name each.
type FirstKey<T> = T extends { newNotificationCountChanged: number } ? 'newNotificationCountChanged' : T extends unknown ? Exclude<keyof T, 'requestId'> : never;
type FrameType = FirstKey<PushedFrame> | Exclude<keyof ErrorFrame, 'requestId'> | { [K in RequestName]: FirstKey<DeviceAnswers[K]> }[RequestName];
const FRAME_TYPES: Record<FrameType, true> = {
  newNotificationCountChanged: true,
  counts: true,
  change: true,
  resync: true,
  error: true,
  newNotificationData: true,
  seenNotificationData: true,
  notificationData: true,
  webhook: true,
  pushSubscription: true,
  pushUnsubscribed: true,
  changes: true,
  marked: true,
  preferences: true,
};
/** How often the event-loop lag is sampled. */
const EVENT_LOOP_SAMPLE_MS = 100;
const DELEGATION_OUTCOMES = ['accepted', 'refused', 'unavailable'] as const;
const RETENTION_KINDS = ['seen', 'unseen', 'tickets'] as const;
const PUSH_PROVIDERS = ['webpush', 'fcm'] as const;
const PUSH_RESULTS = ['sent', 'gone', 'retry', 'failed'] as const;

/**
 * Every instrument pns exports, in one registry per app (so two apps in one test process
 * don't share counters). Features record into these; GET /metrics renders the registry.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly connectedDevices = new Gauge({ name: 'pns_connected_devices', help: 'Device connections open on this instance', labelNames: ['transport'], registers: [this.registry] });
  readonly notificationsCreated = new Counter({ name: 'pns_notifications_created_total', help: 'Notifications stored', registers: [this.registry] });
  readonly framesSent = new Counter({ name: 'pns_frames_sent_total', help: 'Frames sent to devices', labelNames: ['type'], registers: [this.registry] });
  readonly unseenRequestSeconds = new Histogram({
    name: 'pns_unseen_request_duration_seconds',
    help: 'Time to answer an unseenNotificationDataRequest',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly delegationSeconds = new Histogram({
    name: 'pns_auth_delegation_duration_seconds',
    help: 'Time the application took to answer an auth delegation, by outcome',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly retentionDeleted = new Counter({ name: 'pns_retention_deleted_total', help: 'Rows deleted by retention', labelNames: ['kind'], registers: [this.registry] });
  readonly http = new HttpMetrics(this.registry);
  readonly deviceRequests = new DeviceRequestMetrics(this.registry);
  readonly pushTotal = new Counter({
    name: 'pns_push_total',
    help: 'Push attempts by provider (webpush, fcm) and result (sent, gone, retry, failed)',
    labelNames: ['provider', 'result'],
    registers: [this.registry],
  });
  /** Counts the waiting push jobs when scraped; set by the push worker, which owns that query. */
  pushQueueDepthReader: (() => Promise<number>) | undefined;

  constructor(prisma: PrismaService) {
    // The event-loop lag histogram samples on a timer of this period: prom-client's 10 ms woke an
    // idle instance 100 times a second, ~0.3% of a core alone (docs/performance.md, Connections);
    // a scrape every few seconds needs no finer grain.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    for (const transport of Object.keys(TRANSPORTS)) this.connectedDevices.set({ transport }, 0);
    for (const type of Object.keys(FRAME_TYPES)) this.framesSent.inc({ type }, 0);
    for (const outcome of DELEGATION_OUTCOMES) this.delegationSeconds.zero({ outcome });
    for (const kind of RETENTION_KINDS) this.retentionDeleted.inc({ kind }, 0);
    for (const provider of PUSH_PROVIDERS) for (const result of PUSH_RESULTS) this.pushTotal.inc({ provider, result }, 0);
    // Read before any gauge that queries the database: the pool as the scrape found it, not
    // with the scrape's own query waiting in it.
    new Gauge({
      name: 'pns_db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        for (const [state, connections] of Object.entries(prisma.poolUsage())) this.set({ state }, connections);
      },
    });
    const metrics = this;
    new Gauge({
      name: 'pns_push_queue_depth',
      help: 'Push jobs waiting in the database (due or not), all instances together',
      registers: [this.registry],
      async collect() {
        if (metrics.pushQueueDepthReader) this.set(await metrics.pushQueueDepthReader());
      },
    });
  }
}
