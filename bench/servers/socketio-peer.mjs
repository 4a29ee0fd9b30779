// A stand-in for notification-socket.io, the server pns replaces, written from its documented
// behaviour for the `peer` benchmark: Express 4 and socket.io 1.x, everything in memory, nothing
// stored. `PUT /api/:userId/register?connectionId=` keeps the pair; a socket.io client emits
// `register(userId, connectionId)` with it; `POST /api/:userId/push {"message"}` emits `message`
// to each socket registered for that user. The API checks X-AUTH-TOKEN against AUTH_TOKEN.
import http from 'node:http';
import express from 'express4';
import socketio from 'socket.io';

const token = process.env.AUTH_TOKEN;
/** connectionId → userId, from PUT register. */
const tickets = new Map();
/** userId → its registered sockets. */
const socketsByUser = new Map();

const app = express();
app.use(express.json());
app.get('/api/status/ping', (_request, response) => response.send('pong'));
app.use('/api', (request, response, next) => (request.get('X-AUTH-TOKEN') === token ? next() : response.status(401).json({ error: 'unauthorized' })));
app.put('/api/:userId/register', (request, response) => {
  const connectionId = request.query.connectionId;
  if (typeof connectionId !== 'string' || connectionId === '') return response.status(400).json({ error: 'connectionId required' });
  tickets.set(connectionId, request.params.userId);
  response.json({ ok: true });
});
app.post('/api/:userId/push', (request, response) => {
  if (request.body?.message === undefined) return response.status(400).json({ error: 'message required' });
  for (const socket of socketsByUser.get(request.params.userId) ?? []) socket.emit('message', request.body.message);
  response.json({ ok: true });
});

const server = http.createServer(app);
const io = socketio(server);
io.on('connection', (socket) => {
  socket.on('register', (userId, connectionId) => {
    if (tickets.get(connectionId) !== userId) return socket.disconnect(true);
    let sockets = socketsByUser.get(userId);
    if (!sockets) socketsByUser.set(userId, (sockets = new Set()));
    sockets.add(socket);
    console.log(`registered ${socket.id} for user ${userId}`);
    socket.once('disconnect', () => sockets.delete(socket));
  });
});
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
