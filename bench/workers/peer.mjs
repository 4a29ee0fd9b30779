// The `peer` scenario's two roles, each in a process of its own: `connect` holds devices (pns
// WebSockets that log count frames, or socket.io clients of the stand-in that log messages) and
// `push` is the closed-loop poster (`concurrency` requests in flight, users round-robin).
// Times are CLOCK_MONOTONIC µs, the same clock in every process of the machine.
import http from 'node:http';
import ioClient from 'socket.io-client';
import WebSocket from 'ws';
import { serveWorker } from '../lib/procs.mjs';

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** One per device: { user, close, last (pns: last count), arrivals: [[µs, count or sent µs], …] }. */
const devices = [];

function openPns(base, user, connectionId) {
  return new Promise((resolve, reject) => {
    const device = { user, last: 0, arrivals: [], firstFrame: false };
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/subscribe?connectionId=${connectionId}`, { perMessageDeflate: false });
    device.close = () => socket.terminate();
    socket.on('message', (raw) => {
      const t = nowUs();
      const frame = JSON.parse(raw.toString());
      if (!('newNotificationCountChanged' in frame)) return;
      device.last = frame.newNotificationCountChanged;
      device.firstFrame = true;
      device.arrivals.push([t, device.last]);
    });
    socket.once('open', () => resolve(device));
    socket.once('error', reject);
  });
}

function openSocketIo(base, user, connectionId) {
  return new Promise((resolve, reject) => {
    const device = { user, last: 0, arrivals: [] };
    const socket = ioClient(base, { transports: ['websocket'], forceNew: true, reconnection: false });
    device.close = () => socket.close();
    socket.on('message', (message) => {
      device.last++;
      device.arrivals.push([nowUs(), message.sent]);
    });
    socket.once('connect', () => {
      socket.emit('register', user, connectionId);
      resolve(device);
    });
    socket.once('connect_error', reject);
  });
}

async function connect({ kind, base, list }) {
  const open = kind === 'pns' ? openPns : openSocketIo;
  for (const { user, connectionId } of list) devices.push(await open(base, user, connectionId));
  return { open: devices.length };
}

/** Until every device has heard at least `atLeast` deliveries (a count frame ≥ it, or as many messages). */
async function waitDelivered({ atLeast, timeoutMs = 60_000 }) {
  const deadline = Date.now() + timeoutMs;
  while (devices.some((device) => device.last < atLeast)) {
    if (Date.now() > deadline) throw new Error(`${devices.filter((device) => device.last < atLeast).length} devices short of ${atLeast} deliveries`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {};
}

/** Forgets what arrived so far; each device's count now is where the next round starts. */
function mark() {
  for (const device of devices) {
    device.start = device.last;
    device.arrivals = [];
  }
  return {};
}

function report() {
  return devices.map(({ user, start, arrivals }) => ({ user, start, arrivals }));
}

function closeAll() {
  for (const device of devices.splice(0)) device.close();
  return {};
}

async function push({ base, token, users, concurrency, durationMs }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const posts = [];
  const started = nowUs();
  const until = started + durationMs * 1000;
  let next = 0;
  const one = (user) =>
    new Promise((resolve) => {
      const sent = nowUs();
      const body = JSON.stringify({ message: { title: 'bench push', sent } });
      const request = http.request(
        `${base}/api/${encodeURIComponent(user)}/push`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-auth-token': token } },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ user, sent, done: nowUs(), status: response.statusCode }));
        },
      );
      request.on('error', () => resolve({ user, sent, done: nowUs(), status: -1 }));
      request.end(body);
    });
  const loop = async () => {
    while (nowUs() < until) posts.push(await one(users[next++ % users.length]));
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  agent.destroy();
  return { posts, elapsedUs: nowUs() - started };
}

serveWorker({ connect, waitDelivered, mark, report, closeAll, push });
