// A closed-loop HTTP load (autocannon) in a process of its own. Every response's latency is
// kept at full resolution (autocannon's own histogram has 1 ms buckets).
import autocannon from 'autocannon';
import { serveWorker } from '../lib/procs.mjs';
import { summarize } from '../lib/stats.mjs';

/**
 * POSTs a notification to `path` (one user each, or `batch` users), round-robin over `users`,
 * each user's in turn in one of `categories` categories if given (none if 0);
 * with `method` 'GET', GETs `path` with `{user}` replaced by each user in turn.
 */
async function load({ url, path, method = 'POST', connections, durationSec, headers, users, batch = 0, categories = 0, token }) {
  let next = 0;
  const body = () => {
    const n = next++;
    if (batch > 0) {
      const start = (n * batch) % users.length;
      const userIds = Array.from({ length: batch }, (_, i) => users[(start + i) % users.length]);
      return JSON.stringify({ userIds, data: { title: 'bench batch', n } });
    }
    return JSON.stringify({ userId: users[n % users.length], ...(categories > 0 ? { category: `category-${Math.floor(n / users.length) % categories}` } : {}), data: { title: 'bench notification', n } });
  };
  const latencies = [];
  const statuses = {};
  const instance = autocannon({
    url: method === 'GET' ? url : url + path,
    connections,
    duration: durationSec,
    headers: { 'content-type': 'application/json', 'x-auth-token': token, ...headers },
    requests: [
      method === 'GET'
        ? { method, setupRequest: (request) => ({ ...request, path: path.replace('{user}', encodeURIComponent(users[next++ % users.length])) }) }
        : { method, setupRequest: (request) => ({ ...request, body: body() }) },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  const ok = latencies.length;
  return {
    connections,
    durationSec: result.duration,
    requests: ok,
    requestsPerSec: ok / result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statuses,
    latency: summarize(latencies),
  };
}

serveWorker({ load });
