import { EventEmitter } from 'node:events';
import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Metrics } from '../../metrics/metrics.js';
import type { DeviceConnection, Transport } from './device-connection.js';
import type { OutgoingFrame } from './outgoing-frame.js';

/** Closes a connection whose peer does not read what it is sent, or floods requests (docs/protocol.md, Close codes). */
export const POLICY_CLOSE = 1008;

/** Why a new device connection is refused, as the HTTP status its transport answers. */
export interface Refusal {
  status: 429 | 503;
  message: string;
}

interface Registration {
  userId: string;
  transport: Transport;
}

/**
 * A user's first connection here opened, or the last one closed (offline push listens); any
 * connection opened or closed (the per-user cap across instances listens).
 */
export interface DeviceRegistryEvents {
  userConnected: [userId: string];
  userDisconnected: [userId: string];
  connectionAdded: [connection: DeviceConnection, userId: string];
  connectionRemoved: [connection: DeviceConnection, userId: string];
}

/** This instance's open device connections, by user. */
@Injectable()
export class DeviceRegistry extends EventEmitter<DeviceRegistryEvents> {
  private readonly connectionsByUser = new Map<string, Set<DeviceConnection>>();
  private readonly registrations = new Map<DeviceConnection, Registration>();

  private readonly maxBufferedBytes: number;
  private readonly maxConnections: number;
  private readonly maxConnectionsPerUser: number;

  constructor(@Optional() private readonly metrics?: Metrics, @Optional() config?: AppConfig) {
    super();
    this.maxBufferedBytes = config?.maxConnectionBufferBytes ?? Number.POSITIVE_INFINITY;
    this.maxConnections = config?.maxConnections ?? Number.POSITIVE_INFINITY;
    this.maxConnectionsPerUser = config?.maxConnectionsPerUser ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Every frame to a registered connection goes through here, whatever the transport. A peer
   * that does not read (stalled, or hostile: asking for answers it never takes) would have the
   * server hold everything sent to it; past MAX_CONNECTION_BUFFER it is closed at once, and
   * what it held is freed.
   */
  send(connection: DeviceConnection, frame: OutgoingFrame): void {
    connection.send(frame);
    if (connection.bufferedBytes <= this.maxBufferedBytes) return;
    this.remove(connection);
    connection.close(POLICY_CLOSE, `not reading: over ${this.maxBufferedBytes} bytes unread`);
  }

  /**
   * Whether one more connection of `userId` would pass this instance's caps (MAX_CONNECTIONS,
   * MAX_CONNECTIONS_PER_USER): asked by every transport before it opens one.
   */
  refusal(userId: string): Refusal | undefined {
    if (this.registrations.size >= this.maxConnections) return { status: 503, message: 'this instance holds all the device connections it may; retry (another instance may answer)' };
    if ((this.connectionsByUser.get(userId)?.size ?? 0) >= this.maxConnectionsPerUser) {
      return { status: 429, message: `this user already has ${this.maxConnectionsPerUser} device connections here (MAX_CONNECTIONS_PER_USER)` };
    }
    return undefined;
  }

  add(connection: DeviceConnection, userId: string, transport: Transport = 'websocket'): void {
    this.registrations.set(connection, { userId, transport });
    const connections = this.connectionsByUser.get(userId);
    if (connections) connections.add(connection);
    else this.connectionsByUser.set(userId, new Set([connection]));
    this.metrics?.connectedDevices.inc({ transport });
    if (!connections) this.emit('userConnected', userId);
    this.emit('connectionAdded', connection, userId);
  }

  /** Idempotent: a connection may leave through a drop and then through its close event. */
  remove(connection: DeviceConnection): void {
    const registration = this.registrations.get(connection);
    if (registration === undefined) return;
    this.registrations.delete(connection);
    const connections = this.connectionsByUser.get(registration.userId)!;
    connections.delete(connection);
    if (connections.size === 0) this.connectionsByUser.delete(registration.userId);
    this.metrics?.connectedDevices.dec({ transport: registration.transport });
    if (connections.size === 0) this.emit('userDisconnected', registration.userId);
    this.emit('connectionRemoved', connection, registration.userId);
  }

  has(userId: string): boolean {
    return this.connectionsByUser.has(userId);
  }

  connectionsOf(userId: string): ReadonlySet<DeviceConnection> | undefined {
    return this.connectionsByUser.get(userId);
  }

  users(): IterableIterator<string> {
    return this.connectionsByUser.keys();
  }

  /** Every connection here, or those of one transport. */
  *connections(transport?: Transport): IterableIterator<DeviceConnection> {
    for (const [connection, registration] of this.registrations) if (transport === undefined || registration.transport === transport) yield connection;
  }

  /** Closes every connection of the user here, whatever its transport; answers how many there were. */
  closeUser(userId: string, code: number, reason: string): number {
    const connections = [...(this.connectionsByUser.get(userId) ?? [])];
    for (const connection of connections) {
      // Unregistered at once: no count is sent to a closing connection, nor counted by a second drop.
      this.remove(connection);
      connection.close(code, reason);
    }
    return connections.length;
  }
}
