import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A frame from the server: a text frame's text, or a close frame's code. */
export type ServerFrame = { text: string } | { closeCode: number };

/**
 * A WebSocket client on a bare TCP socket, for peers no library would be: once upgraded it can
 * stop reading altogether (`stopReading`), as a stalled or hostile device does, while it goes on
 * sending masked text frames; or send thousands of frames in one write (`write` of
 * `textFrames`), as fast as the socket takes them, at no cost to the test's own process.
 */
export class RawWebSocket {
  private constructor(readonly socket: Socket) {}

  /** Opens `path` of `baseUrl` (http://host:port) and waits for the 101. */
  static open(baseUrl: string, path: string): Promise<RawWebSocket> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let head = '';
      socket.once('error', reject);
      socket.once('connect', () =>
        socket.write(
          [`GET ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', '', ''].join('\r\n'),
        ),
      );
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        if (!head.startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        else resolve(new RawWebSocket(socket));
      };
      socket.on('data', onData);
    });
  }

  /** From now on nothing is read: what the server sends piles up in its buffers. */
  stopReading(): void {
    this.socket.pause();
  }

  /** One masked text frame, as a client must send it. */
  sendText(text: string): void {
    this.socket.write(RawWebSocket.textFrames([text]));
  }

  /** Masked text frames (of up to 64 KiB each), one after another, ready for one `write`. */
  static textFrames(texts: string[]): Buffer {
    return Buffer.concat(
      texts.map((text) => {
        const payload = Buffer.from(text, 'utf8');
        const mask = randomBytes(4);
        const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
        const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]));
        return Buffer.concat([Buffer.from([0x81]), length, mask, masked]);
      }),
    );
  }

  write(frames: Buffer): void {
    this.socket.write(frames);
  }

  /** Reads the server's text and close frames (never masked, never fragmented by ws) as they come. */
  onFrame(listener: (frame: ServerFrame) => void): void {
    let pending = Buffer.alloc(0);
    this.socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (pending.length < 2) return;
        const short = pending[1] & 0x7f;
        const [start, length] = short === 126 ? [4, pending.length >= 4 ? pending.readUInt16BE(2) : Infinity] : short === 127 ? [10, pending.length >= 10 ? Number(pending.readBigUInt64BE(2)) : Infinity] : [2, short];
        if (pending.length < start + length) return;
        const payload = pending.subarray(start, start + length);
        const opcode = pending[0] & 0x0f;
        if (opcode === 0x1) listener({ text: payload.toString('utf8') });
        if (opcode === 0x8) listener({ closeCode: payload.length >= 2 ? payload.readUInt16BE(0) : 1005 });
        pending = pending.subarray(start + length);
      }
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}
