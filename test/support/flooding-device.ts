import type { Pns } from './devices';
import { RawWebSocket } from './raw-websocket';
import { DEADLINE_MS } from './waiters';

/** One connection of the flooding device: how it ended, and what it was answered. */
export interface FloodRound {
  /** The code of the server's close frame; 0 when the socket ended without one. */
  closeCode: number;
  /** Error frames whose code is rate_limited and that echo the request's numeric requestId. */
  rateLimited: number;
  /** Every other error frame, as received. */
  otherErrors: unknown[];
}

/**
 * A hostile device looping requests for as long as it runs: each round it connects, sends
 * `count` requests in one write (as fast as the socket takes them, built once, so that
 * flooding costs the test's process nothing that would delay the answers it measures), reads
 * what it is answered until the server closes it, and reconnects after a client's backoff.
 */
export class FloodingDevice {
  private stopping = false;
  private readonly rounds: FloodRound[] = [];
  private readonly looping: Promise<void>;

  private constructor(pns: Pns, path: string, frames: Buffer, backoffMs: number) {
    this.looping = this.loop(pns, path, frames, backoffMs);
    // stop() reports a failure; until then it must not count as unhandled.
    this.looping.catch(() => undefined);
  }

  /** Starts flooding `path` (/subscribe with its ticket) with `request`, round after round. */
  static start(pns: Pns, path: string, request: object, { count = 5_000, backoffMs = 100 } = {}): FloodingDevice {
    const frames = RawWebSocket.textFrames(Array.from({ length: count }, (_, requestId) => JSON.stringify({ ...request, requestId })));
    return new FloodingDevice(pns, path, frames, backoffMs);
  }

  /** Stops once the connection it is on has been closed; resolves with every connection's round. */
  async stop(): Promise<FloodRound[]> {
    this.stopping = true;
    await this.looping;
    return this.rounds;
  }

  private async loop(pns: Pns, path: string, frames: Buffer, backoffMs: number): Promise<void> {
    while (!this.stopping) {
      const device = await RawWebSocket.open(pns.baseUrl, path);
      const round: FloodRound = { closeCode: 0, rateLimited: 0, otherErrors: [] };
      const closed = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the flooding device was not closed within ${DEADLINE_MS} ms: ${JSON.stringify(round)}`)), DEADLINE_MS);
        const end = () => (clearTimeout(timer), resolve());
        device.socket.once('close', end);
        device.onFrame((frame) => {
          if ('closeCode' in frame) return (round.closeCode = frame.closeCode), end();
          const answer = JSON.parse(frame.text) as { error?: { code: string }; requestId?: unknown };
          if (answer.error === undefined) return;
          if (answer.error.code === 'rate_limited' && typeof answer.requestId === 'number') round.rateLimited += 1;
          else round.otherErrors.push(answer);
        });
      });
      device.write(frames);
      try {
        await closed;
      } finally {
        device.destroy();
      }
      this.rounds.push(round);
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
  }
}
