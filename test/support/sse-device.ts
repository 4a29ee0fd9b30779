import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { RunningApp } from './app';
import { registerTicket } from './devices';
import { DEADLINE_MS, Waiters } from './waiters';

export interface SseEvent {
  id: string | undefined;
  event: string;
  /** The event's data, parsed as JSON. */
  data: unknown;
}

/**
 * A device on Server-Sent Events as a client program sees it: a raw HTTP GET read line by
 * line (no EventSource library: what is tested is the wire format), recording every event
 * and comment, with waits that fail with what was received instead of hanging.
 */
export class SseDevice {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  private buffer = '';
  private readonly waiters = new Waiters(() => `events: ${JSON.stringify(this.events.slice(-10))}, ended: ${this.ended}`);

  private constructor(
    private readonly request: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.receive(chunk));
    response.on('close', () => {
      this.ended = true;
      this.waiters.wake();
    });
  }

  /** GETs `path` (default /subscribe) as an event stream; rejects with SseRefused unless the answer is 200. */
  static open(baseUrl: string, options: { path?: string; headers?: Record<string, string> } = {}): Promise<SseDevice> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${baseUrl}${options.path ?? '/subscribe'}`, {
        headers: { Accept: 'text/event-stream', ...options.headers },
        agent: false,
      });
      request.once('response', (response) => {
        if (response.statusCode === 200) return resolve(new SseDevice(request, response));
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => reject(new SseRefused(response.statusCode ?? 0, body, response.headers)));
      });
      request.once('error', reject);
      request.end();
    });
  }

  get lastCount(): number | undefined {
    return this.events.filter((event) => event.event === 'newNotificationCountChanged').at(-1)?.data as number | undefined;
  }

  get lastEventId(): string | undefined {
    return this.events.at(-1)?.id;
  }

  /**
   * The first event from index `since` on that `predicate` accepts. `since` has no default: it is
   * the stream's length from before the action that causes the event, which may arrive before
   * the caller gets here.
   */
  async nextEvent(predicate: (event: SseEvent) => boolean, { since, timeoutMs = DEADLINE_MS }: { since: number; timeoutMs?: number }): Promise<SseEvent> {
    let found: SseEvent | undefined;
    await this.waiters.until(() => (found = this.events.slice(since).find(predicate)) !== undefined, timeoutMs, 'a matching event');
    return found!;
  }

  waitForCount(count: number, timeoutMs = DEADLINE_MS): Promise<void> {
    return this.waiters.until(() => this.lastCount === count, timeoutMs, `count ${count}`);
  }

  waitForEnd(timeoutMs = DEADLINE_MS): Promise<void> {
    return this.waiters.until(() => this.ended, timeoutMs, 'the end of the stream');
  }

  waitForComment(since = this.comments.length, timeoutMs = DEADLINE_MS): Promise<void> {
    return this.waiters.until(() => this.comments.length > since, timeoutMs, 'a comment');
  }

  close(): void {
    this.request.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.parse(block);
    }
    this.waiters.wake();
  }

  private parse(block: string): void {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const [name, value] = colon === -1 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
      fields[name] = name === 'data' && fields.data !== undefined ? `${fields.data}\n${value}` : value;
    }
    if (fields.data === undefined) return;
    this.events.push({ id: fields.id, event: fields.event ?? 'message', data: JSON.parse(fields.data) as unknown });
  }
}

export class SseRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: IncomingMessage['headers'],
  ) {
    super(`the event stream was refused with HTTP ${status}: ${body}`);
  }
}

/** An SSE device of `userId` with a fresh ticket (or `ticket`), once its first event (the count) arrived. */
export async function openCountedSse(pns: RunningApp, userId: string, options: { ticket?: string; lastEventId?: string } = {}): Promise<SseDevice> {
  const ticket = options.ticket ?? (await registerTicket(pns, userId));
  const headers: Record<string, string> = options.lastEventId === undefined ? {} : { 'Last-Event-ID': options.lastEventId };
  const device = await SseDevice.open(pns.baseUrl, { path: `/subscribe?connectionId=${encodeURIComponent(ticket)}`, headers });
  await device.nextEvent(() => true, { since: 0 });
  return device;
}
