import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelegateAnswer {
  status: number;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** How long to wait before answering. */
  delayMs?: number;
  /** How long to hold the body back after sending the status and headers. */
  bodyDelayMs?: number;
}

export interface DelegateRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** True once the client closed the connection before the whole answer was sent (gave up). */
  abandoned: boolean;
}

/**
 * The application's AUTH_DELEGATE_URL as a real HTTP server on 127.0.0.1: answers what the test
 * sets and records every request it received.
 */
export class FakeDelegate {
  readonly requests: DelegateRequest[] = [];
  private answer: DelegateAnswer;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    answer: DelegateAnswer,
  ) {
    this.answer = answer;
  }

  /** Starts on a free port; by default it refuses everyone with 401. */
  static async start(answer: DelegateAnswer = { status: 401 }): Promise<FakeDelegate> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const delegate = new FakeDelegate(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth`, answer);
    server.on('request', (request, response) => {
      const recorded: DelegateRequest = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, abandoned: false };
      delegate.requests.push(recorded);
      response.on('close', () => (recorded.abandoned = !response.writableFinished));
      const { status, body, headers = {}, delayMs = 0, bodyDelayMs = 0 } = delegate.answer;
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      delegate.after(delayMs, () => {
        response.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
        response.flushHeaders();
        delegate.after(bodyDelayMs, () => response.end(text));
      });
    });
    return delegate;
  }

  answerWith(answer: DelegateAnswer): void {
    this.answer = answer;
  }

  /** Accepts every request as `userId`. */
  accept(userId: string, field: 'user_id' | 'userId' = 'user_id'): void {
    this.answerWith({ status: 200, body: { [field]: userId } });
  }

  get lastRequest(): DelegateRequest | undefined {
    return this.requests.at(-1);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Timers are kept so that close() can cancel answers still pending. */
  private after(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }
}

/** A URL on 127.0.0.1 where nothing listens: an application that is down. */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/auth`;
}
