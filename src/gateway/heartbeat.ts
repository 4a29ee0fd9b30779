import type { WebSocket } from 'ws';
import type { DeviceRegistry } from './device-registry.js';

/** Each interval is cut into this many slices, and each socket pinged in its own slice. */
const SLICES = 20;

/**
 * Pings every WebSocket device once each interval and terminates one that has not answered
 * its previous ping: a vanished peer (a phone out of range) never sends a close frame. (SSE
 * streams have no pong; their transport sends its own heartbeat comments.)
 *
 * The pings are spread over the interval rather than sent in one loop: at 10,000 devices one
 * loop of pings, and the burst of pongs it brings back, held the event loop for about half a
 * second each interval, and every count frame and request of that moment waited behind it.
 */
export class Heartbeat {
  private readonly unanswered = new WeakSet<WebSocket>();
  private readonly slices: Set<WebSocket>[] = Array.from({ length: SLICES }, () => new Set());
  private nextSliceForSocket = 0;
  private currentSlice = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs / SLICES);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  watch(socket: WebSocket): void {
    const slice = this.slices[this.nextSliceForSocket];
    this.nextSliceForSocket = (this.nextSliceForSocket + 1) % SLICES;
    slice.add(socket);
    socket.on('pong', () => this.unanswered.delete(socket));
    socket.once('close', () => slice.delete(socket));
  }

  private tick(): void {
    const slice = this.slices[this.currentSlice];
    this.currentSlice = (this.currentSlice + 1) % SLICES;
    for (const socket of slice) {
      if (this.unanswered.has(socket)) {
        slice.delete(socket);
        this.registry.remove(socket);
        socket.terminate();
        continue;
      }
      this.unanswered.add(socket);
      socket.ping();
    }
  }
}
