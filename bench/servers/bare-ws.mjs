// The transport baseline: a bare `ws` server on node:http, no framework, no database. Devices
// connect to /subscribe?user=<id> and get the same first frame as from pns; POST /relay
// {"userId"} sends that user's devices the next count, as pns does after an insert.
// HEARTBEAT_INTERVAL_MS (unset: none) pings every device that often, as ws's README does it (one
// timer over all clients, terminating one that did not answer the previous ping): the floor of
// what a heartbeat costs.
import http from 'node:http';
import { WebSocketServer } from 'ws';

const socketsByUser = new Map();
const counts = new Map();

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/api/status/ping') return response.end('pong');
  if (request.method !== 'POST' || request.url !== '/api/notifications') {
    response.statusCode = 404;
    return response.end();
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const { userId } = JSON.parse(Buffer.concat(chunks).toString());
    const count = (counts.get(userId) ?? 0) + 1;
    counts.set(userId, count);
    const frame = Buffer.from(JSON.stringify({ newNotificationCountChanged: count }));
    for (const socket of socketsByUser.get(userId) ?? []) socket.send(frame, { binary: false });
    response.statusCode = 201;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ notifications: [{ userId }] }));
  });
});

const wss = new WebSocketServer({ server, path: '/subscribe', maxPayload: 64 * 1024 });
wss.on('connection', (socket, request) => {
  const user = new URL(request.url, 'http://x').searchParams.get('user') ?? '';
  let sockets = socketsByUser.get(user);
  if (!sockets) socketsByUser.set(user, (sockets = new Set()));
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.send(JSON.stringify({ newNotificationCountChanged: counts.get(user) ?? 0 }));
});

const heartbeatMs = Number(process.env.HEARTBEAT_INTERVAL_MS ?? 0);
const answered = new WeakSet();
if (heartbeatMs > 0) {
  wss.on('connection', (socket) => {
    answered.add(socket);
    socket.on('pong', () => answered.add(socket));
  });
  setInterval(() => {
    for (const socket of wss.clients) {
      if (!answered.delete(socket)) socket.terminate();
      else socket.ping();
    }
  }, heartbeatMs).unref();
}

// The accept queue pns listens with, so a storm meets the same kernel on both.
server.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1', backlog: 4096 });
const stop = () => {
  for (const socket of wss.clients) socket.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
