import type { Agent } from 'node:https';
import { Inject, Injectable } from '@nestjs/common';
import webpush from 'web-push';
import { VapidKeys } from '../vapid-keys.js';
import { PUSH_HTTPS_AGENT } from './push-https-agent.js';
import { outcomeOfStatus, type SendOutcome } from './send-outcome.js';

export interface WebPushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export const SEND_TIMEOUT_MS = 10_000;
// A push the user could not get within a day is stale: the inbox has it anyway.
const TTL_SECONDS = 24 * 60 * 60;

/** RFC 8030 Web Push with RFC 8291 aes128gcm encryption and RFC 8292 VAPID, by the web-push library. */
@Injectable()
export class WebPushSender {
  constructor(
    private readonly vapid: VapidKeys,
    @Inject(PUSH_HTTPS_AGENT) private readonly agent: Agent,
  ) {}

  /** `topic` (base64url, at most 32 characters) lets the push service replace an undelivered push of the same topic. */
  async send(target: WebPushTarget, payload: string, topic: string | undefined): Promise<SendOutcome> {
    try {
      const vapidDetails = await this.vapid.current();
      if (vapidDetails === undefined) return { result: 'failed', reason: 'Web Push is not configured' };
      await webpush.sendNotification({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, payload, {
        vapidDetails,
        TTL: TTL_SECONDS,
        urgency: 'high',
        contentEncoding: 'aes128gcm',
        agent: this.agent,
        timeout: SEND_TIMEOUT_MS,
        ...(topic === undefined ? {} : { topic }),
      });
      return { result: 'sent' };
    } catch (error) {
      if (error instanceof webpush.WebPushError) {
        if (error.statusCode === 404 || error.statusCode === 410) return { result: 'gone' };
        return outcomeOfStatus(error.statusCode, error.headers['retry-after']);
      }
      // No answer: the network or the service is down for now (the message names no secret).
      return { result: 'retry', reason: (error as Error).message };
    }
  }
}
