import type { WebSocket } from 'ws';
import type { DeviceRegistry } from '../core/device-registry.js';
import { Rounds } from '../core/rounds.js';

/**
 * Pings every WebSocket device once each interval and terminates one that has not answered
 * its previous ping: a vanished peer (a phone out of range) never sends a close frame. (SSE
 * streams have no pong; their transport sends its own heartbeat comments, in rounds alike.)
 */
export class Heartbeat {
  private readonly unanswered = new WeakSet<WebSocket>();
  private readonly rounds: Rounds<WebSocket>;

  constructor(
    private readonly registry: DeviceRegistry,
    intervalMs: number,
  ) {
    this.rounds = new Rounds(intervalMs, (socket) => this.check(socket));
  }

  start(): void {
    this.rounds.start();
  }

  stop(): void {
    this.rounds.stop();
  }

  watch(socket: WebSocket): void {
    this.rounds.add(socket);
    socket.on('pong', () => this.unanswered.delete(socket));
    socket.once('close', () => this.rounds.delete(socket));
  }

  private check(socket: WebSocket): void {
    if (this.unanswered.has(socket)) {
      this.rounds.delete(socket);
      this.registry.remove(socket);
      socket.terminate();
      return;
    }
    this.unanswered.add(socket);
    socket.ping();
  }
}
