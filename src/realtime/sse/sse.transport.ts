import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { DeviceProtocol } from '../core/device-protocol.js';
import { DeviceRegistry, type Refusal } from '../core/device-registry.js';
import { InboxDelivery } from '../core/inbox-delivery.js';
import { RequestLanes } from '../core/request-lane.js';
import { rateLimitedFrame, type RequestRate } from '../core/request-limits.js';
import type { Subscription } from '../core/subscription.js';
import { TokenBuckets } from '../../common/token-buckets.js';
import type { AnswerFrame, ErrorFrame } from '../core/frames.js';
import { Rounds } from '../core/rounds.js';
import { Metrics } from '../../metrics/metrics.js';
import { resumedEventId } from './last-event-id.js';
import { SseStream } from './sse-stream.js';

/** A heartbeat at least this often, whatever HEARTBEAT_INTERVAL says (docs/protocol.md, Heartbeats and limits). */
export const MAX_SSE_HEARTBEAT_MS = 25_000;

/**
 * The SSE transport of the device protocol, beside the WebSocket gateway: streams are
 * registered in the same registry, so counts and drops reach them exactly as they reach
 * sockets, and requests are answered by the same DeviceProtocol.
 */
@Injectable()
export class SseTransport implements OnModuleInit, OnModuleDestroy {
  private readonly streams = new Set<SseStream>();
  /** Each stream's comment in its own slice of the interval, as WebSocket pings are sent. */
  private readonly heartbeat: Rounds<SseStream>;
  private readonly requestRate: RequestRate;
  private readonly requestLimits: TokenBuckets;
  private readonly requestLanes: RequestLanes;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly delivery: InboxDelivery,
    private readonly protocol: DeviceProtocol,
    config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.heartbeat = new Rounds(Math.min(config.heartbeatIntervalMs, MAX_SSE_HEARTBEAT_MS), (stream) => stream.heartbeat());
    this.requestRate = { perSecond: config.deviceRequestRatePerSecond, burst: config.deviceRequestBurst };
    this.requestLimits = new TokenBuckets(this.requestRate);
    this.requestLanes = new RequestLanes(this.requestRate.burst);
  }

  onModuleInit(): void {
    this.heartbeat.start();
  }

  // 1001 as on WebSockets: the server is going away, reconnect (EventSource does by itself).
  onModuleDestroy(): void {
    this.heartbeat.stop();
    for (const stream of [...this.streams]) {
      this.unregister(stream);
      stream.close(1001, 'server shutting down');
    }
  }

  /** Serves an authenticated device's stream; its first events are its inbox as the database has it. */
  open(userId: string, subscription: Subscription, request: IncomingMessage, response: ServerResponse): void {
    // The device may have gone while it was being authenticated.
    if (request.socket.destroyed) return;
    const stream = new SseStream(response, subscription.protocol === 2 ? 'versions' : { counted: resumedEventId(request) });
    stream.open();
    this.streams.add(stream);
    this.heartbeat.add(stream);
    this.registry.add(stream, userId, 'sse');
    response.once('close', () => this.unregister(stream));
    this.delivery.connected(stream, userId, subscription);
  }

  /** Whether the user may open one more stream here (the registry's caps). */
  refusal(userId: string): Refusal | undefined {
    return this.registry.refusal(userId);
  }

  /**
   * A request of the device protocol, as one WebSocket frame would carry it. Its requests come
   * on separate HTTP requests, not on the stream: the user's, not a connection's, are limited,
   * and answered one after another.
   */
  async answer(userId: string, text: string): Promise<AnswerFrame | ErrorFrame> {
    const answered = this.requestLimits.take(userId) > 0 ? undefined : this.requestLanes.offer(userId, () => this.protocol.handle(userId, text));
    const frame = answered === undefined ? rateLimitedFrame(text, this.requestRate) : await answered;
    this.metrics?.framesSent.inc({ type: Object.keys(frame)[0] });
    return frame;
  }

  private unregister(stream: SseStream): void {
    this.streams.delete(stream);
    this.heartbeat.delete(stream);
    this.registry.remove(stream);
  }
}
