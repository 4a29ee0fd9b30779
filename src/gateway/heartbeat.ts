import type { WebSocket } from 'ws';
import type { DeviceRegistry } from './device-registry.js';

/**
 * Pings every WebSocket device each interval and terminates one that has not answered the
 * previous ping: a vanished peer (a phone out of range) never sends a close frame. (SSE
 * streams have no pong; their transport sends its own heartbeat comments.)
 */
export class Heartbeat {
  private readonly unanswered = new WeakSet<WebSocket>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  watch(socket: WebSocket): void {
    socket.on('pong', () => this.unanswered.delete(socket));
  }

  private tick(): void {
    // What is registered as 'websocket' is a ws socket (not checked with instanceof: Nest's adapter loads its own copy of ws).
    for (const socket of this.registry.connections('websocket') as IterableIterator<WebSocket>) {
      if (this.unanswered.has(socket)) {
        this.registry.remove(socket);
        socket.terminate();
        continue;
      }
      this.unanswered.add(socket);
      socket.ping();
    }
  }
}
