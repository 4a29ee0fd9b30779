import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { literalTargetProblem, publicOnlyLookup } from './hook-target.js';

export interface SendOptions {
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
  readonly signal?: AbortSignal;
}

/** What one attempt came to: accepted (2xx), or why not. */
export type SendOutcome = { readonly accepted: true } | { readonly accepted: false; readonly error: string };

/** A receiver's answer is not read past this; only its status matters. */
const MAX_ERROR_LENGTH = 500;

/**
 * POSTs one event, signed as Standard Webhooks (webhook-id, webhook-timestamp,
 * webhook-signature) at the time of this attempt, so a retry a day later is not refused as
 * stale. Redirects are not followed: a 3xx could point anywhere, private addresses included.
 */
export function sendEvent(delivery: { id: string; body: string; url: string; secret: string }, options: SendOptions): Promise<SendOutcome> {
  const url = new URL(delivery.url);
  if (!options.allowPrivate) {
    const problem = literalTargetProblem(url);
    if (problem) return Promise.resolve({ accepted: false, error: problem });
  }
  const messageId = `msg_${delivery.id}`;
  const timestamp = new Date();
  const signature = new Webhook(delivery.secret).sign(messageId, timestamp, delivery.body);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const settle = (outcome: SendOutcome) => {
      clearTimeout(deadline);
      resolve(outcome);
    };
    const call = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'pns-events',
        'webhook-id': messageId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
      lookup: options.allowPrivate ? undefined : publicOnlyLookup,
      signal: options.signal,
    });
    // One deadline for the whole exchange, connect included, not only for idle sockets.
    const deadline = setTimeout(() => call.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    call.on('response', (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      settle(status >= 200 && status < 300 ? { accepted: true } : { accepted: false, error: `answered ${status}` });
    });
    call.on('error', (error) => settle({ accepted: false, error: error.message.slice(0, MAX_ERROR_LENGTH) }));
    call.end(delivery.body);
  });
}
