import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';
import { RETRY_AFTER_SECONDS } from './http-exception.filter.js';

type Next = (error?: unknown) => void;

const CONNECTION_POLL_MS = 50;

const SHUTTING_DOWN = JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: 'the server is shutting down; retry (another instance will answer)' });

/**
 * How the HTTP side of a shutdown goes (docs/operations.md, Shutdown): from the first moment,
 * every request that arrives (the readiness probe's included) is refused with 503 before it is
 * processed, on a connection that then closes; what is in flight is answered, on a connection
 * that closes after the answer, so no client's next request on a kept-alive connection races
 * its close; and no new connection is accepted.
 */
export class HttpDrain {
  private draining = false;
  private readonly inFlight = new Set<ServerResponse>();
  private whenIdle: (() => void) | undefined;

  /** Registered before every other middleware. */
  readonly middleware = (_request: IncomingMessage, response: ServerResponse, next: Next): void => {
    if (this.draining) {
      response.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close', 'Retry-After': String(RETRY_AFTER_SECONDS) });
      response.end(SHUTTING_DOWN);
      return;
    }
    this.inFlight.add(response);
    response.once('close', () => {
      this.inFlight.delete(response);
      if (this.inFlight.size === 0) this.whenIdle?.();
    });
    next();
  };

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Starts refusing, and stops `server` accepting. Idle kept-alive connections stay open for now:
   * closing one while its client is sending the next request on it would cut that request
   * without an answer (ECONNRESET); its next request gets the 503 and the connection closes.
   */
  start(server: Server): void {
    this.draining = true;
    for (const response of this.inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
    // net.Server's close, not http.Server's: since Node 19 the latter also closes every idle
    // kept-alive connection at once, with the race above.
    net.Server.prototype.close.call(server);
  }

  /**
   * Once nothing is in flight: waits for the clients of the connections left to leave (each
   * active one gets its 503 and goes) for at most `graceMs`, then closes whatever is left.
   */
  async closeRemaining(server: Server, graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && (await openConnections(server)) > 0) await new Promise((resolve) => setTimeout(resolve, CONNECTION_POLL_MS));
    server.closeAllConnections();
  }

  /** Resolves once every request that was in flight has been answered (or its client went away). */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.whenIdle = resolve));
  }
}

function openConnections(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}
