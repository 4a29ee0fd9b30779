import { EventEmitter } from 'node:events';
import { Injectable, Optional } from '@nestjs/common';
import { Metrics } from '../../metrics/metrics.js';
import type { DeviceConnection, Transport } from './device-connection.js';

interface Registration {
  userId: string;
  transport: Transport;
}

/** A user's first connection here opened, or the last one closed (offline push listens). */
export interface DeviceRegistryEvents {
  userConnected: [userId: string];
  userDisconnected: [userId: string];
}

/** This instance's open device connections, by user. */
@Injectable()
export class DeviceRegistry extends EventEmitter<DeviceRegistryEvents> {
  private readonly connectionsByUser = new Map<string, Set<DeviceConnection>>();
  private readonly registrations = new Map<DeviceConnection, Registration>();

  constructor(@Optional() private readonly metrics?: Metrics) {
    super();
  }

  add(connection: DeviceConnection, userId: string, transport: Transport = 'websocket'): void {
    this.registrations.set(connection, { userId, transport });
    const connections = this.connectionsByUser.get(userId);
    if (connections) connections.add(connection);
    else this.connectionsByUser.set(userId, new Set([connection]));
    this.metrics?.connectedDevices.inc({ transport });
    if (!connections) this.emit('userConnected', userId);
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
