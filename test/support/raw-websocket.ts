import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket client on a bare TCP socket, for peers no library would be: once upgraded it can
 * stop reading altogether (`stopReading`), as a stalled or hostile device does, while it goes on
 * sending masked text frames.
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
    const payload = Buffer.from(text, 'utf8');
    const mask = randomBytes(4);
    const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
    const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]));
    this.socket.write(Buffer.concat([Buffer.from([0x81]), length, mask, masked]));
  }

  destroy(): void {
    this.socket.destroy();
  }
}
