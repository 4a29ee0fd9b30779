import type { WebSocket } from 'ws';
import type { DeviceConnection } from '../core/device-connection.js';
import type { OutgoingFrame } from '../core/outgoing-frame.js';
import { closeWithin } from './close-going-away.js';

/** A ws socket as a device connection: every server frame is one JSON text frame. */
export class WebSocketConnection implements DeviceConnection {
  /**
   * Pinged by the heartbeat and not answered yet. A field, not a WeakSet of the heartbeat's:
   * at 19,000 devices the WeakSet's lookups were a twentieth of idle CPU (docs/performance.md).
   */
  awaitingPong = false;

  constructor(readonly socket: WebSocket) {}

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
