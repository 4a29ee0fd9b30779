import type { WebSocket } from 'ws';

const CLOSE_HANDSHAKE_GRACE_MS = 2_000;

/** Starts the closing handshake; a peer that doesn't complete it soon is cut, so nothing waits on it. */
export function closeWithin(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_GRACE_MS).unref();
}

/** 1001 tells a device the server is going away, so it reconnects (to another instance) at once. */
export function closeGoingAway(socket: WebSocket): void {
  closeWithin(socket, 1001, 'server shutting down');
}
