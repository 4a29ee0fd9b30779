import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { DeviceConnection } from '../core/device-connection.js';
import type { OutgoingFrame } from '../core/outgoing-frame.js';
import { closeWithin } from './close-going-away.js';

/**
 * A server's ping without payload (FIN, opcode 0x9, unmasked, length 0), made once: the
 * heartbeat sends it to every device each interval, and ws's ping() framed each one anew and
 * wrote header and empty payload as two chunks (docs/performance.md, Connections).
 */
const PING_FRAME = Buffer.from([0x89, 0x00]);

/** A ws socket as a device connection: every server frame is one JSON text frame. */
export class WebSocketConnection implements DeviceConnection {
  /**
   * Pinged by the heartbeat and not answered yet. A field, not a WeakSet of the heartbeat's:
   * at 19,000 devices the WeakSet's lookups were a twentieth of idle CPU (docs/performance.md).
   */
  awaitingPong = false;

  /** `stream`: the TCP (or TLS) socket ws frames onto, the upgrade request's. */
  constructor(
    readonly socket: WebSocket,
    private readonly stream: Duplex,
  ) {}

  /**
   * One write of a whole control frame onto the stream ws writes its frames to: ws writes each
   * frame whole and synchronously, so this never lands inside one of its frames, and a ping may
   * come between any two frames.
   */
  ping(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.stream.write(PING_FRAME);
  }

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  send(frame: OutgoingFrame): void {
    this.socket.send(frame.json, { binary: false });
  }

  close(code: number, reason: string): void {
    closeWithin(this.socket, code, reason);
  }
}
