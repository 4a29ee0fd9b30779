import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';

/** Headers of one hop, not forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

export interface HttpProxy {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** WebSocket upgrades answered 403 (`websockets: 'refuse'`). */
  readonly refusedUpgrades: number;
  /** Requests seen, upgrades included, as method and path without the query. */
  readonly requests: readonly string[];
  /** Cuts every open connection (the browser sees a network failure), as a flaky network would. */
  dropConnections(): void;
  /** While down, every open connection is cut and every new one too: the network is gone until set up again. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of `target`. Plain requests are forwarded with their
 * responses streamed chunk by chunk, so Server-Sent Events pass. WebSocket upgrades are either
 * answered 403, like the corporate proxies that break WebSockets, or forwarded.
 */
export async function startProxy(target: string, options: { websockets: 'refuse' | 'forward' }): Promise<HttpProxy> {
  const upstream = new URL(target);
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let refusedUpgrades = 0;
  let down = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };

  const server = createServer((incoming, outgoing) => {
    requests.push(`${incoming.method} ${incoming.url?.split('?')[0]}`);
    const proxied = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: endToEnd(incoming.headers) },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        outgoing.flushHeaders();
        answer.pipe(outgoing);
      },
    );
    proxied.on('error', () => outgoing.destroy());
    // A browser that goes away ends the upstream request too (an event stream never ends by itself).
    outgoing.on('close', () => proxied.destroy());
    incoming.pipe(proxied);
  });
  server.on('upgrade', (incoming, socket: Socket, head: Buffer) => {
    requests.push(`UPGRADE ${incoming.url?.split('?')[0]}`);
    if (options.websockets === 'refuse') {
      refusedUpgrades += 1;
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 24\r\nConnection: close\r\n\r\nWebSockets are blocked.\n');
      return;
    }
    // The handshake as it came, then bytes both ways.
    const tunnel = connect(Number(upstream.port), upstream.hostname, () => {
      const headers = Object.entries(incoming.headersDistinct).flatMap(([name, values]) => (values ?? []).map((value) => `${name}: ${value}\r\n`));
      tunnel.write(`${incoming.method} ${incoming.url} HTTP/1.1\r\n${headers.join('')}\r\n`);
      tunnel.write(head);
      tunnel.pipe(socket).pipe(tunnel);
    });
    track(tunnel);
    tunnel.on('error', () => socket.destroy());
    socket.on('error', () => tunnel.destroy());
    socket.on('close', () => tunnel.destroy());
  });
  server.on('connection', (socket: Socket) => (down ? socket.destroy() : track(socket)));

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get refusedUpgrades() {
      return refusedUpgrades;
    },
    requests,
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    setDown(isDown) {
      down = isDown;
      if (down) for (const socket of sockets) socket.destroy();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept = { ...headers };
  for (const name of HOP_BY_HOP) delete kept[name];
  return kept;
}
