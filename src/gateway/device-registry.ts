import { Injectable, Optional } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { Metrics } from '../metrics/metrics.js';

/** This instance's open device sockets, by user. */
@Injectable()
export class DeviceRegistry {
  private readonly socketsByUser = new Map<string, Set<WebSocket>>();
  private readonly userBySocket = new Map<WebSocket, string>();

  constructor(@Optional() private readonly metrics?: Metrics) {}

  add(socket: WebSocket, userId: string): void {
    this.userBySocket.set(socket, userId);
    const sockets = this.socketsByUser.get(userId);
    if (sockets) sockets.add(socket);
    else this.socketsByUser.set(userId, new Set([socket]));
    this.metrics?.connectedDevices.inc({ transport: 'websocket' });
  }

  /** Idempotent: a socket may leave through a drop and then through its close event. */
  remove(socket: WebSocket): void {
    const userId = this.userBySocket.get(socket);
    if (userId === undefined) return;
    this.userBySocket.delete(socket);
    const sockets = this.socketsByUser.get(userId)!;
    sockets.delete(socket);
    if (sockets.size === 0) this.socketsByUser.delete(userId);
    this.metrics?.connectedDevices.dec({ transport: 'websocket' });
  }

  has(userId: string): boolean {
    return this.socketsByUser.has(userId);
  }

  socketsOf(userId: string): ReadonlySet<WebSocket> | undefined {
    return this.socketsByUser.get(userId);
  }

  users(): IterableIterator<string> {
    return this.socketsByUser.keys();
  }

  sockets(): IterableIterator<WebSocket> {
    return this.userBySocket.keys();
  }

  /** Closes every socket of the user here; answers how many there were. */
  closeUser(userId: string, code: number, reason: string): number {
    const sockets = [...(this.socketsByUser.get(userId) ?? [])];
    for (const socket of sockets) {
      // Unregistered at once: no count is sent to a closing socket, nor counted by a second drop.
      this.remove(socket);
      socket.close(code, reason);
    }
    return sockets.length;
  }
}
