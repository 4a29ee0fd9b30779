import { summarize } from './stats.mjs';

/**
 * Joins the poster's log with the devices' arrivals. Posts go to users round-robin and every
 * user starts at count 0, so a user's k-th post is delivered by the first frame whose count
 * is ≥ k (coalesced frames deliver several posts at once). Latency: post sent → frame arrived.
 */
export function pushLatencies(users, posted, arrivals) {
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
  let undelivered = 0;
  for (const [user, sends] of postsByUser) {
    const frames = (arrivals.get(user) ?? []).filter(([, count]) => count > 0);
    for (let k = 1; k <= sends.length; k++) {
      const frame = frames.find(([, count]) => count >= k);
      if (!frame) {
        undelivered++;
        continue;
      }
      push.push((frame[0] - sends[k - 1]) / 1000);
    }
  }
  return { push: summarize(push), http: summarize(http), failed, dropped: posted.dropped, undelivered };
}
