import type { DeviceRegistry } from '../core/device-registry.js';
import { Rounds } from '../core/rounds.js';
import type { WebSocketConnection } from './websocket-connection.js';

/**
 * Pings every WebSocket device once each interval and terminates one that has not answered
 * its previous ping: a vanished peer (a phone out of range) never sends a close frame. (SSE
 * streams have no pong; their transport sends its own heartbeat comments, in rounds alike.)
 */
export class Heartbeat {
  private readonly rounds: Rounds<WebSocketConnection>;

  constructor(
    private readonly registry: DeviceRegistry,
    intervalMs: number,
  ) {
    this.rounds = new Rounds(intervalMs, (connection) => this.check(connection));
  }

  start(): void {
    this.rounds.start();
  }

  stop(): void {
    this.rounds.stop();
  }

  watch(connection: WebSocketConnection): void {
    this.rounds.add(connection);
    connection.socket.on('pong', () => (connection.awaitingPong = false));
    connection.socket.once('close', () => this.rounds.delete(connection));
  }

  private check(connection: WebSocketConnection): void {
    if (connection.awaitingPong) {
      this.rounds.delete(connection);
      this.registry.remove(connection);
      connection.socket.terminate();
      return;
    }
    connection.awaitingPong = true;
    connection.ping();
  }
}
