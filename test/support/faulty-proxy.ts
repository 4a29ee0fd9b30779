import { createServer, request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What the proxy does with one request instead of simply forwarding it:
 * - `drop-after-forwarding`: pns gets the request and answers, but the client's connection is
 *   cut before the answer reaches it, so the client cannot know that pns carried it out;
 * - `answer`: the proxy answers by itself and pns never sees the request;
 * - `hold`: nothing is forwarded nor answered, as behind a stalled gateway, until the client gives up.
 */
export type Fault = { kind: 'drop-after-forwarding' } | { kind: 'answer'; status: number; headers?: Record<string, string>; body?: string } | { kind: 'hold' };

export interface ProxiedRequest {
  method: string;
  /** With the query. */
  url: string;
  body: string;
  /** `forwarded <status>`, `dropped after <status>`, `answered <status>` by the proxy, or `held`. */
  outcome: string;
}

export interface FaultyProxy {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  /** The next requests, in order, meet these faults; later ones are forwarded. */
  failNext(...faults: Fault[]): void;
  close(): Promise<void>;
}

/** An HTTP proxy on 127.0.0.1 in front of `target` that fails requests as asked, as a flaky network or a busy gateway would. */
export async function startFaultyProxy(target: string): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();

  const server = createServer(async (incoming, outgoing) => {
    const body = await readAll(incoming);
    const record: ProxiedRequest = { method: incoming.method ?? '', url: incoming.url ?? '', body: body.toString('utf8'), outcome: 'pending' };
    requests.push(record);
    const fault = faults.shift();
    if (fault?.kind === 'answer') {
      record.outcome = `answered ${fault.status}`;
      outgoing.writeHead(fault.status, { 'Content-Type': 'application/json', ...fault.headers }).end(fault.body ?? '');
      return;
    }
    if (fault?.kind === 'hold') {
      record.outcome = 'held';
      return;
    }
    const headers = { ...incoming.headers, host: upstream.host, connection: 'close' };
    const proxied = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers }, async (answer) => {
      const answerBody = await readAll(answer);
      const status = answer.statusCode ?? 502;
      if (fault?.kind === 'drop-after-forwarding') {
        record.outcome = `dropped after ${status}`;
        incoming.socket.destroy();
        return;
      }
      record.outcome = `forwarded ${status}`;
      const { connection: _hopByHop, 'transfer-encoding': _framing, 'keep-alive': _keepAlive, ...endToEnd } = answer.headers;
      outgoing.writeHead(status, endToEnd).end(answerBody);
    });
    proxied.on('error', () => incoming.socket.destroy());
    proxied.end(body);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (...next) => faults.push(...next),
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
