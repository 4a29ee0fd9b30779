// A fleet of devices in a process of its own: WebSockets that log every count frame with its
// arrival time (CLOCK_MONOTONIC µs, comparable with the poster's clock).
import WebSocket from 'ws';
import { serveWorker } from '../lib/procs.mjs';

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const sockets = [];
/** user → [[arrival µs, count], …] since the last mark. */
let arrivals = new Map();
let firstFrames = 0;
/** user → the count of the first frame its device got; and when (ms since epoch) the last first frame came. */
const firstCounts = new Map();
let lastFirstFrameAt = 0;
/** When (ms since epoch) each first frame came, in arrival order. */
const firstFrameTimes = [];
let failures = 0;
/** Why devices failed to connect: message → how many. */
const failureReasons = new Map();
let closedEarly = 0;

function open(url, user, localAddress) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { localAddress, perMessageDeflate: false, handshakeTimeout: 60_000 });
    let first = true;
    socket.on('message', (raw) => {
      const t = nowUs();
      const frame = JSON.parse(raw.toString());
      if (!('newNotificationCountChanged' in frame)) return;
      if (first) {
        first = false;
        firstFrames++;
        firstCounts.set(user, frame.newNotificationCountChanged);
        lastFirstFrameAt = Date.now();
        firstFrameTimes.push(lastFirstFrameAt);
      }
      let log = arrivals.get(user);
      if (!log) arrivals.set(user, (log = []));
      log.push([t, frame.newNotificationCountChanged]);
    });
    socket.once('open', () => {
      sockets.push(socket);
      resolve(true);
    });
    socket.once('close', () => closedEarly++);
    socket.once('error', (error) => {
      failures++;
      failureReasons.set(error.message, (failureReasons.get(error.message) ?? 0) + 1);
      resolve(false);
    });
  });
}

/** Opens one socket per entry of `devices` ({user, path}), `parallel` handshakes at a time, from the given source addresses in turn. */
async function connect({ base, devices, localAddresses = ['127.0.0.1'], parallel = 200 }) {
  let next = 0;
  const started = Date.now();
  const loop = async () => {
    while (next < devices.length) {
      const n = next++;
      await open(base + devices[n].path, devices[n].user, localAddresses[n % localAddresses.length]);
    }
  };
  await Promise.all(Array.from({ length: parallel }, loop));
  return { open: sockets.length, failures, ms: Date.now() - started, startedAt: started, failureReasons: [...failureReasons.entries()] };
}

async function waitFirstFrames({ expected, timeoutMs = 60_000 }) {
  const deadline = Date.now() + timeoutMs;
  while (firstFrames < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return { firstFrames, lastFirstFrameAt, firstFrameTimes };
}

/** Each user's first count, as [user, count] pairs. */
function reportFirstCounts() {
  return [...firstCounts.entries()];
}

function mark() {
  arrivals = new Map();
  return { open: sockets.length - closedEarly };
}

function report() {
  return { arrivals: [...arrivals.entries()], open: sockets.length, closedEarly };
}

async function closeAll() {
  for (const socket of sockets) socket.terminate();
  sockets.length = 0;
  return {};
}

serveWorker({ connect, waitFirstFrames, reportFirstCounts, mark, report, closeAll });
