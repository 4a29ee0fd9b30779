import type { WebSocket } from 'ws';
import type { DeviceRegistry } from './device-registry.js';

/**
 * Pings every device each interval and terminates one that has not answered the previous
 * ping: a vanished peer (a phone out of range) never sends a close frame.
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
    for (const socket of this.registry.sockets()) {
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
