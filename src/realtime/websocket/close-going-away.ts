import type { WebSocket } from 'ws';

const CLOSE_HANDSHAKE_GRACE_MS = 2_000;

/**
 * 1001 tells a device the server is going away, so it reconnects (to another instance) at once.
 * One that doesn't complete the closing handshake soon is cut, so shutdown isn't held up.
 */
export function closeGoingAway(socket: WebSocket): void {
  socket.close(1001, 'server shutting down');
  setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_GRACE_MS).unref();
}
