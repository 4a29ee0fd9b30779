// An open-loop poster: sends POSTs at a fixed rate whatever the answers' latency, one user after
// another round-robin, and records when each was sent and answered (CLOCK_MONOTONIC µs, the
// same clock in every process of the machine, so device arrivals can be compared to it).
import http from 'node:http';
import { serveWorker } from '../lib/procs.mjs';

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function post({ base, path, token, rate, durationMs, users, maxInFlight = 256 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const url = new URL(path, base);
  const total = Math.round((rate * durationMs) / 1000);
  const sent = new Float64Array(total);
  const done = new Float64Array(total);
  const status = new Int16Array(total);
  let issued = 0;
  let finished = 0;
  let dropped = 0;
  let inFlight = 0;
  const start = nowUs();
  await new Promise((resolveAll) => {
    const send = (n) => {
      const body = JSON.stringify({ userId: users[n % users.length], data: { title: 'bench notification', n } });
      inFlight++;
      sent[n] = nowUs();
      const request = http.request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-auth-token': token } },
        (response) => {
          response.resume();
          response.on('end', () => {
            done[n] = nowUs();
            status[n] = response.statusCode;
            complete();
          });
        },
      );
      request.on('error', () => {
        done[n] = nowUs();
        status[n] = -1;
        complete();
      });
      request.end(body);
    };
    const complete = () => {
      inFlight--;
      finished++;
      if (finished + dropped === total) resolveAll();
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((nowUs() - start) / 1e6) * rate));
      while (issued < due) {
        // Past maxInFlight the server is not keeping up: count the request as dropped, never queue it unseen.
        if (inFlight >= maxInFlight) {
          status[issued] = -2;
          dropped++;
          issued++;
          continue;
        }
        send(issued++);
      }
      if (issued < total) setTimeout(tick, 1);
      else if (finished + dropped === total) resolveAll();
    };
    tick();
  });
  agent.destroy();
  return { start, sent: Array.from(sent), done: Array.from(done), status: Array.from(status), dropped, elapsedUs: nowUs() - start };
}

serveWorker({ post });
