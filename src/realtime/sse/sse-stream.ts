import type { ServerResponse } from 'node:http';
import type { DeviceConnection } from '../core/device-connection.js';
import type { OutgoingFrame } from '../core/outgoing-frame.js';

/** The last event of a stream the server ends; its data is `{"code", "reason"}` with WebSocket's close codes. */
export const CLOSE_EVENT = 'close';

/** How long an ended stream's peer has to take its last events before the connection is cut. */
const END_GRACE_MS = 2_000;

const HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: a proxy must not compress the stream, which would hold events back.
  'Cache-Control': 'no-cache, no-transform',
  // nginx and the proxies that copy it buffer responses unless told not to.
  'X-Accel-Buffering': 'no',
};

/**
 * How a stream numbers its events: protocol 1 counts them from where the device left off;
 * protocol 2 gives each event the version it brings the device to, so Last-Event-ID resumes
 * the change stream (docs/protocol.md, Protocol 2).
 */
export type EventIds = { counted: number } | 'versions';

/**
 * One device's Server-Sent Events stream (docs/protocol.md, Server-Sent Events): each server frame is one event,
 * named by the frame's key, with the key's value as its JSON data (OutgoingFrame.sseEvent).
 * Every write goes straight to the socket: nothing is buffered here.
 */
export class SseStream implements DeviceConnection {
  private lastEventId: number | undefined;

  constructor(
    private readonly response: ServerResponse,
    ids: EventIds,
  ) {
    this.lastEventId = ids === 'versions' ? undefined : ids.counted;
  }

  get bufferedBytes(): number {
    return this.response.writableLength;
  }

  get ended(): boolean {
    return this.response.writableEnded || this.response.destroyed;
  }

  open(): void {
    this.response.socket?.setNoDelay(true);
    this.response.writeHead(200, HEADERS);
    this.response.flushHeaders();
  }

  send(frame: OutgoingFrame): void {
    const { name, data, version } = frame.sseEvent;
    this.event(name, data, version);
  }

  /** A comment line: keeps proxies from timing the stream out, and finds dead peers by failing. */
  heartbeat(): void {
    this.write(': ping\n\n');
  }

  /** EventSource reconnects by itself after any end: the close event tells a client why, so it can stop. */
  close(code: number, reason: string): void {
    if (this.ended) return;
    this.event(CLOSE_EVENT, { code, reason });
    this.response.end();
    // A peer that does not read would hold the stream (and what it buffered) open.
    setTimeout(() => {
      if (!this.response.writableFinished) this.response.destroy();
    }, END_GRACE_MS).unref();
  }

  /** Without an id (protocol 2's close event), the device keeps the last one it saw. */
  private event(name: string, data: unknown, version?: number): void {
    const id = this.lastEventId === undefined ? version : ++this.lastEventId;
    // JSON.stringify escapes line breaks, so the data is always one `data:` line.
    this.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(text: string): void {
    if (!this.ended) this.response.write(text);
  }
}
