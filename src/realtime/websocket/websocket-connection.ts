import type { WebSocket } from 'ws';
import type { DeviceConnection } from '../core/device-connection.js';
import type { OutgoingFrame } from '../core/outgoing-frame.js';
import { closeWithin } from './close-going-away.js';

/** A ws socket as a device connection: every server frame is one JSON text frame. */
export class WebSocketConnection implements DeviceConnection {
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
