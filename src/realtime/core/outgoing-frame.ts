import type { ServerFrame } from './frames.js';

/** A frame as one Server-Sent Event: `event:` its name, `data:` its JSON, and for protocol 2 the version it brings the device to. */
export interface SseEvent {
  name: string;
  data: unknown;
  version?: number;
}

/**
 * A server frame on its way to one or more device connections. Each transport serialises it
 * its own way; the JSON text a WebSocket sends is made once, however many of the user's sockets
 * get the frame.
 */
export class OutgoingFrame<F extends ServerFrame = ServerFrame> {
  private encoded: Buffer | undefined;

  constructor(readonly frame: F) {}

  /** The frame as UTF-8 JSON, made on first use (ws sends a Buffer without converting it again). */
  get json(): Buffer {
    return (this.encoded ??= Buffer.from(JSON.stringify(this.frame)));
  }

  /** The frame's key (`newNotificationCountChanged`, `error`, …) and its value. */
  get entry(): [name: string, value: unknown] {
    const [name] = Object.keys(this.frame);
    return [name, (this.frame as unknown as Record<string, unknown>)[name]];
  }

  /**
   * The frame as an SSE event. Protocol 1's count event carries the count alone, as it always
   * did (its `version` is for WebSocket frames; SSE ids count events); protocol 2's events carry
   * their version, which the stream writes as the event's id (docs/protocol.md, Protocol 2).
   */
  get sseEvent(): SseEvent {
    const frame = this.frame as ServerFrame;
    if ('newNotificationCountChanged' in frame) return { name: 'newNotificationCountChanged', data: frame.newNotificationCountChanged };
    if ('counts' in frame) return { name: 'counts', data: frame.counts, version: frame.counts.version };
    if ('change' in frame) return { name: 'change', data: frame.change, version: frame.change.version };
    if ('resync' in frame) return { name: 'resync', data: frame.resync, version: frame.resync.version };
    const [name, data] = this.entry;
    return { name, data };
  }
}
