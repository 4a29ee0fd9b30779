import type { IncomingMessage } from 'node:http';
import { Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import { DeviceAuthenticator } from '../../auth/device-authenticator.js';
import { Bus } from '../../bus/bus.js';
import { AppConfig } from '../../config/app-config.js';
import { ConnectionsService } from '../core/connections.service.js';
import { MAX_FRAME_BYTES } from '../core/frames.js';
import { textOf } from '../websocket/frame-text.js';
import { DeviceRegistry } from '../core/device-registry.js';
import { Heartbeat } from '../websocket/heartbeat.js';
import { closeGoingAway } from '../websocket/close-going-away.js';
import { UpgradeAuthentication } from '../websocket/upgrade-authentication.js';
import { WebSocketConnection } from '../websocket/websocket-connection.js';
import { Metrics } from '../../metrics/metrics.js';
import { NotificationsService } from '../../notifications/notifications.service.js';
import { EventStream, type CompatEvent } from './event-stream.js';
import { parseSubscription } from './subscription-frame.js';

/** RFC 6455: the first frame is not an acceptable subscription (say, an access_id of another user). */
export const POLICY_VIOLATION = 1008;
/** A close reason is at most 123 bytes. */
const MAX_REASON_CHARS = 120;

/**
 * The ernius notifier's `/subscribe_to_events` (docs/protocol.md), beside `/subscribe` on the same
 * HTTP server (Nest's ws adapter routes upgrades by exact path). Authenticated at the upgrade
 * exactly as `/subscribe`. The client's first frame `{"access_id", "timestamp"}` starts an
 * EventStream; later frames are ignored, as the notifier's protocol has none.
 *
 * Its sockets are kept in a registry of their own, not the device registry: they must get no
 * count frames, but they do get the heartbeat and the application's drops (4001).
 */
@WebSocketGateway({ path: '/subscribe_to_events', maxPayload: MAX_FRAME_BYTES })
export class EventStreamGateway implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket>, OnModuleDestroy {
  private readonly logger = new Logger(EventStreamGateway.name);
  private readonly upgrades: UpgradeAuthentication;
  private readonly registry: DeviceRegistry;
  private readonly heartbeat: Heartbeat;
  private readonly streams = new Map<WebSocketConnection, { userId: string; stream: EventStream }>();
  private readonly streamsByUser = new Map<string, Set<EventStream>>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    authenticator: DeviceAuthenticator,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
    connections: ConnectionsService,
    bus: Bus,
    @Optional() metrics?: Metrics,
  ) {
    // Counted with the other WebSocket devices in pns_connected_devices.
    this.upgrades = new UpgradeAuthentication(authenticator);
    this.registry = new DeviceRegistry(metrics);
    this.heartbeat = new Heartbeat(this.registry, config.heartbeatIntervalMs);
    connections.addCloser((userId, code, reason) => this.registry.closeUser(userId, code, reason));
    bus.on('unseenChanged', (userId) => this.pokeUser(userId));
    bus.on('resync', () => this.pokeAll());
  }

  afterInit(server: WebSocketServer): void {
    this.upgrades.install(server);
    this.heartbeat.start();
    // An announcement lost between commit and NOTIFY (its publisher died) is caught here, as the inbox delivery's reconciliation does.
    this.sweepTimer = setInterval(() => this.pokeAll(), this.config.heartbeatIntervalMs).unref();
  }

  onModuleDestroy(): void {
    this.heartbeat.stop();
    clearInterval(this.sweepTimer);
    for (const { stream } of this.streams.values()) stream.close();
    for (const connection of [...this.registry.connections()]) {
      this.registry.remove(connection);
      if (connection instanceof WebSocketConnection) closeGoingAway(connection.socket);
    }
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const userId = this.upgrades.take(request)?.userId;
    if (userId === undefined) {
      socket.close(POLICY_VIOLATION, 'not authenticated');
      return;
    }
    const connection = new WebSocketConnection(socket, request.socket);
    this.registry.add(connection, userId);
    this.heartbeat.watch(connection);
    socket.once('close', () => this.disconnect(connection));
    socket.once('message', (data) => this.subscribe(connection, userId, data));
  }

  private disconnect(connection: WebSocketConnection): void {
    this.registry.remove(connection);
    const entry = this.streams.get(connection);
    if (!entry) return;
    entry.stream.close();
    this.streams.delete(connection);
    const userStreams = this.streamsByUser.get(entry.userId)!;
    userStreams.delete(entry.stream);
    if (userStreams.size === 0) this.streamsByUser.delete(entry.userId);
  }

  private subscribe(connection: WebSocketConnection, userId: string, data: RawData): void {
    const { socket } = connection;
    if (socket.readyState !== WebSocket.OPEN) return;
    const subscription = parseSubscription(textOf(data));
    if ('problem' in subscription) return socket.close(POLICY_VIOLATION, subscription.problem.slice(0, MAX_REASON_CHARS));
    if (subscription.accessId !== userId) return socket.close(POLICY_VIOLATION, 'access_id is not the user this connection was authenticated as');
    const stream = new EventStream(userId, subscription.from, this.notifications, (events) => sendEvents(socket, events), this.logger);
    this.streams.set(connection, { userId, stream });
    const userStreams = this.streamsByUser.get(userId);
    if (userStreams) userStreams.add(stream);
    else this.streamsByUser.set(userId, new Set([stream]));
    // Listening before the first read: whatever commits from now on is announced to this stream.
    stream.poke();
  }

  private pokeUser(userId: string): void {
    for (const stream of this.streamsByUser.get(userId) ?? []) stream.poke();
  }

  private pokeAll(): void {
    for (const { stream } of this.streams.values()) stream.poke();
  }
}

/** Resolves once the frame is handed to the network (or the socket is gone): a slow client slows its own replay only. */
function sendEvents(socket: WebSocket, events: CompatEvent[]): Promise<void> {
  if (socket.readyState !== WebSocket.OPEN) return Promise.resolve();
  return new Promise((resolve) => socket.send(JSON.stringify(events), () => resolve()));
}
