import type { ServerFrame } from './frames.js';

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
}
