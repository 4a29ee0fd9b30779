import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status this receiver answered. */
  readonly status: number;
}

/**
 * A real HTTP receiver of outgoing events on 127.0.0.1. `answer` picks the status of each call
 * (given how many calls with the same webhook-id came before); everything is recorded.
 */
export class EventReceiver {
  readonly received: ReceivedEvent[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(answer: (previousAttempts: number) => number = () => 200): Promise<EventReceiver> {
    let receiver: EventReceiver | undefined;
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const id = request.headers['webhook-id'];
        const status = answer(receiver!.received.filter((event) => event.headers['webhook-id'] === id).length);
        receiver!.received.push({ headers: request.headers, body, status });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new EventReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`);
    return receiver;
  }

  /** The events answered 2xx, parsed. */
  accepted(): { id: string; event: { type: string; timestamp: string; data: Record<string, unknown> } }[] {
    return this.received.filter((call) => call.status < 300).map((call) => ({ id: String(call.headers['webhook-id']), event: JSON.parse(call.body) }));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
