import type { IncomingMessage } from 'node:http';
import { OnModuleDestroy, Optional } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import { DeviceAuthenticator } from '../../auth/device-authenticator.js';
import { AppConfig } from '../../config/app-config.js';
import { Metrics } from '../../metrics/metrics.js';
import { DeviceProtocol } from '../core/device-protocol.js';
import { DeviceRegistry, POLICY_CLOSE } from '../core/device-registry.js';
import { InboxDelivery } from '../core/inbox-delivery.js';
import { RequestLane } from '../core/request-lane.js';
import { rateLimitedFrame, RequestLimiter, type RequestRate } from '../core/request-limits.js';
import { subscriptionOf } from '../core/subscription.js';
import { MAX_FRAME_BYTES } from '../core/frames.js';
import { OutgoingFrame } from '../core/outgoing-frame.js';
import { Heartbeat } from './heartbeat.js';
import { closeGoingAway } from './close-going-away.js';
import { textOf } from './frame-text.js';
import { UpgradeAuthentication } from './upgrade-authentication.js';
import { WebSocketConnection } from './websocket-connection.js';

/**
 * The WebSocket transport of the device protocol on `/subscribe`. Authentication happens in
 * ws's verifyClient, during the upgrade, so a refused device gets a real HTTP status and
 * never a socket.
 */
@WebSocketGateway({ path: '/subscribe', maxPayload: MAX_FRAME_BYTES })
export class DeviceGateway implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket>, OnModuleDestroy {
  private readonly upgrades: UpgradeAuthentication;
  private readonly heartbeat: Heartbeat;
  private readonly requestRate: RequestRate;

  constructor(
    authenticator: DeviceAuthenticator,
    private readonly registry: DeviceRegistry,
    private readonly delivery: InboxDelivery,
    private readonly protocol: DeviceProtocol,
    config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.upgrades = new UpgradeAuthentication(authenticator, (url) => subscriptionOf(url), (userId) => registry.refusal(userId));
    this.heartbeat = new Heartbeat(registry, config.heartbeatIntervalMs);
    this.requestRate = { perSecond: config.deviceRequestRatePerSecond, burst: config.deviceRequestBurst };
  }

  afterInit(server: WebSocketServer): void {
    this.upgrades.install(server);
    this.heartbeat.start();
  }

  onModuleDestroy(): void {
    this.heartbeat.stop();
    // The other transports end their own connections.
    for (const connection of [...this.registry.connections('websocket')]) {
      this.registry.remove(connection);
      if (connection instanceof WebSocketConnection) closeGoingAway(connection.socket);
    }
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const upgrade = this.upgrades.take(request);
    if (upgrade === undefined) {
      // Unreachable while verifyClient is installed; never serve an unauthenticated socket.
      socket.close(1008, 'not authenticated');
      return;
    }
    const { userId, subscription } = upgrade;
    const connection = new WebSocketConnection(socket, request.socket);
    this.registry.add(connection, userId);
    this.heartbeat.watch(connection);
    socket.once('close', () => this.registry.remove(connection));
    const limiter = new RequestLimiter(this.requestRate);
    const lane = new RequestLane(this.requestRate.burst);
    socket.on('message', (data) => {
      const verdict = limiter.take();
      if (verdict === 'answer' && lane.offer(() => this.answer(connection, userId, data))) return;
      if (socket.readyState !== WebSocket.OPEN) return;
      if (verdict !== 'close') return this.registry.send(connection, new OutgoingFrame(rateLimitedFrame(textOf(data), this.requestRate)));
      // What the flooder has sent since is never read: its frames would only cost parsing.
      socket.pause();
      this.registry.remove(connection);
      connection.close(POLICY_CLOSE, 'too many requests');
    });
    // The first frames a device receives are its inbox as the database has it.
    this.delivery.connected(connection, userId, subscription);
  }

  private async answer(connection: WebSocketConnection, userId: string, data: RawData): Promise<void> {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    const frame = new OutgoingFrame(await this.protocol.handle(userId, textOf(data)));
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    this.registry.send(connection, frame);
    this.metrics?.framesSent.inc({ type: frame.entry[0] });
  }
}
