import type { OutgoingFrame } from './outgoing-frame.js';

/** What carries a device connection; the label of the connected-devices metric. */
export type Transport = 'websocket' | 'sse';

/**
 * One open device connection, whatever carries it: the WebSocket transport wraps a ws socket,
 * the SSE transport's stream is one. Counts and drops go through it alone, so every transport
 * gets them alike, each writing the frame in its own wire format.
 */
export interface DeviceConnection {
  send(frame: OutgoingFrame): void;
  /** What was sent and not yet taken by the peer (its network, its reading): held in our memory. */
  readonly bufferedBytes: number;
  /** Ends the connection; `code` is the WebSocket close code (4001 when dropped, docs/protocol.md). */
  close(code: number, reason: string): void;
}
