import type { IncomingMessage } from 'node:http';
import { Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import { DeviceAuthenticator, type DeviceAuthResult } from '../auth/device-authenticator.js';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { CountPusher } from './count-pusher.js';
import { DeviceProtocol } from './device-protocol.js';
import { DeviceRegistry } from './device-registry.js';
import { Heartbeat } from './heartbeat.js';

/** Contract §3: a bigger frame closes the connection with 1009 (ws does this itself). */
export const MAX_FRAME_BYTES = 64 * 1024;

const CLOSE_HANDSHAKE_GRACE_MS = 2_000;

type VerifyDone = (verified: boolean, status?: number, message?: string) => void;

/**
 * The WebSocket transport of the device protocol on `/subscribe`. Authentication happens in
 * ws's verifyClient, during the upgrade, so a refused device gets a real HTTP status and
 * never a socket.
 */
@WebSocketGateway({ path: '/subscribe', maxPayload: MAX_FRAME_BYTES })
export class DeviceGateway implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket>, OnGatewayDisconnect<WebSocket>, OnModuleDestroy {
  private readonly logger = new Logger(DeviceGateway.name);
  /** From verifyClient to handleConnection, which ws hands the same request object. */
  private readonly authenticatedUsers = new WeakMap<IncomingMessage, string>();
  private readonly heartbeat: Heartbeat;

  constructor(
    private readonly authenticator: DeviceAuthenticator,
    private readonly registry: DeviceRegistry,
    private readonly pusher: CountPusher,
    private readonly protocol: DeviceProtocol,
    config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.heartbeat = new Heartbeat(registry, config.heartbeatIntervalMs);
  }

  // Set here, not in the decorator's options, because it needs this instance's authenticator.
  afterInit(server: WebSocketServer): void {
    server.options.verifyClient = ({ req }: { req: IncomingMessage }, done: VerifyDone) => {
      this.verify(req, done).catch((error: unknown) => this.logger.error(`completing a device upgrade failed: ${String(error)}`));
    };
    this.heartbeat.start();
  }

  // 1001 tells devices the server is going away, so they reconnect (to another instance) at once.
  // A device that doesn't complete the closing handshake soon is cut, so shutdown isn't held up.
  onModuleDestroy(): void {
    this.heartbeat.stop();
    // The other transports end their own connections.
    for (const socket of [...this.registry.connections('websocket')] as WebSocket[]) {
      this.registry.remove(socket);
      socket.close(1001, 'server shutting down');
      setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_GRACE_MS).unref();
    }
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const userId = this.authenticatedUsers.get(request);
    if (userId === undefined) {
      // Unreachable while verifyClient is installed; never serve an unauthenticated socket.
      socket.close(1008, 'not authenticated');
      return;
    }
    this.authenticatedUsers.delete(request);
    this.registry.add(socket, userId);
    this.heartbeat.watch(socket);
    socket.on('message', (data) => void this.answer(socket, userId, data));
    // The first frame a device receives is its count as the database has it.
    this.pusher.markDirty(userId);
  }

  handleDisconnect(socket: WebSocket): void {
    this.registry.remove(socket);
  }

  private async verify(request: IncomingMessage, done: VerifyDone): Promise<void> {
    let result: DeviceAuthResult;
    try {
      result = await this.authenticator.authenticate(request);
    } catch (error) {
      this.logger.error(`device authentication failed: ${error instanceof Error ? error.stack : String(error)}`);
      result = { ok: false, status: 503, message: 'device authentication is unavailable; try again later' };
    }
    if (!result.ok) return done(false, result.status, result.message);
    this.authenticatedUsers.set(request, result.userId);
    done(true);
  }

  private async answer(socket: WebSocket, userId: string, data: RawData): Promise<void> {
    const frame = await this.protocol.handle(userId, textOf(data));
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify(frame));
    this.metrics?.framesSent.inc({ type: Object.keys(frame)[0] });
  }
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}
