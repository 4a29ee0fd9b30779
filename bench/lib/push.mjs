import { percentile, summarize } from './stats.mjs';

/**
 * Joins the poster's log with the devices' arrivals. Posts go to users round-robin and a user
 * starts at count `startCounts.get(user) ?? 0` (what earlier rounds stored), so its k-th post
 * is delivered by the first frame whose count is ≥ start + k (coalesced frames deliver several
 * posts at once). Latency: post sent → frame arrived. `stored` counts this round's posts per user.
 */
export function pushLatencies(users, posted, arrivals, startCounts = new Map()) {
  const postsByUser = new Map();
  const http = [];
  let failed = 0;
  for (let n = 0; n < posted.sent.length; n++) {
    if (posted.status[n] !== 201) {
      // -2: never sent (the poster had maxInFlight requests unanswered), counted as dropped.
      if (posted.status[n] !== -2) failed++;
      continue;
    }
    http.push((posted.done[n] - posted.sent[n]) / 1000);
    const user = users[n % users.length];
    let list = postsByUser.get(user);
    if (!list) postsByUser.set(user, (list = []));
    list.push(posted.sent[n]);
  }
  const push = [];
  const pushBySecond = [];
  let undelivered = 0;
  const firstSent = Math.min(...posted.sent.filter((_, n) => posted.status[n] === 201));
  const stored = new Map();
  for (const [user, sends] of postsByUser) {
    const start = startCounts.get(user) ?? 0;
    stored.set(user, sends.length);
    const frames = (arrivals.get(user) ?? []).filter(([, count]) => count > start);
    for (let k = 1; k <= sends.length; k++) {
      const frame = frames.find(([, count]) => count >= start + k);
      if (!frame) {
        undelivered++;
        continue;
      }
      const latency = (frame[0] - sends[k - 1]) / 1000;
      push.push(latency);
      const second = Math.floor((sends[k - 1] - firstSent) / 1e6);
      (pushBySecond[second] ??= []).push(latency);
    }
  }
  // Whether a tail is spread over the run (saturation) or sits in a few seconds (a stall, a warm-up).
  const p99BySecond = Array.from(pushBySecond, (values) => (values ? Math.round(percentile(values.sort((a, b) => a - b), 99) * 10) / 10 : null));
  return { push: summarize(push), http: summarize(http), failed, dropped: posted.dropped, undelivered, stored, p99BySecond };
}
