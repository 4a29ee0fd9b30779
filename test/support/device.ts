import WebSocket from 'ws';
import { DEADLINE_MS, Waiters } from './waiters';

export type Frame = Record<string, unknown>;

/**
 * A device as a client program sees it: a real WebSocket that records every frame, with
 * waits that fail with what was received instead of hanging.
 */
export class Device {
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
  private readonly waiters = new Waiters(() => `frames: ${JSON.stringify(this.frames.slice(-10))}, close: ${this.closeCode}`);

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      this.frames.push(JSON.parse(raw.toString()) as Frame);
      this.waiters.wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.waiters.wake();
    });
  }

  /**
   * Opens `/subscribe` (or `path`); rejects with the HTTP status when the upgrade is refused.
   * `autoPong: false` makes a device that never answers the server's pings.
   */
  static connect(wsUrl: string, options: { path?: string; headers?: Record<string, string>; autoPong?: boolean } = {}): Promise<Device> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${wsUrl}${options.path ?? '/subscribe'}`, {
        headers: options.headers,
        ...(options.autoPong === undefined ? {} : { autoPong: options.autoPong }),
      });
      const device = new Device(socket);
      socket.once('open', () => resolve(device));
      socket.once('unexpected-response', (_request, response) => reject(new UpgradeRefused(response.statusCode ?? 0)));
      socket.once('error', reject);
    });
  }

  /** The last count this device heard, if any. */
  get lastCount(): number | undefined {
    const counts = this.frames.filter((frame) => 'newNotificationCountChanged' in frame);
    return counts.at(-1)?.newNotificationCountChanged as number | undefined;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits for the first frame received from now on (or since `since`) matching `predicate`. */
  async nextFrame(predicate: (frame: Frame) => boolean = () => true, { since = this.frames.length, timeoutMs = DEADLINE_MS } = {}): Promise<Frame> {
    let found: Frame | undefined;
    await this.waiters.until(() => (found = this.frames.slice(since).find(predicate)) !== undefined, timeoutMs, 'a matching frame');
    return found!;
  }

  /** Sends a request and waits for the answer that echoes its requestId. */
  async request(body: Frame, timeoutMs = DEADLINE_MS): Promise<Frame> {
    const requestId = `r-${Math.random().toString(36).slice(2)}`;
    const since = this.frames.length;
    this.send({ ...body, requestId });
    return this.nextFrame((frame) => frame.requestId === requestId, { since, timeoutMs });
  }

  waitForCount(count: number, timeoutMs = DEADLINE_MS): Promise<void> {
    return this.waiters.until(() => this.lastCount === count, timeoutMs, `count ${count}`);
  }

  waitForClose(timeoutMs = DEADLINE_MS): Promise<number> {
    return this.waiters.until(() => this.closeCode !== undefined, timeoutMs, 'close').then(() => this.closeCode!);
  }

  close(): void {
    this.socket.close();
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}
