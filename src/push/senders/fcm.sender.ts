import type { Agent } from 'node:https';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { FcmAccessTokens } from './fcm-access-tokens.js';
import { post, type PostAnswer } from './http-post.js';
import { PUSH_HTTPS_AGENT } from './push-https-agent.js';
import { outcomeOfStatus, type SendOutcome } from './send-outcome.js';
import { SEND_TIMEOUT_MS } from './web-push.sender.js';

/**
 * FCM's `data` is a map of strings: each payload field goes as is when it is a string, as
 * JSON text otherwise (the app parses `data`, `display` and `ids`); absent and null fields are left out.
 */
export function toFcmData(payload: Record<string, unknown>): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    data[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return data;
}

/** FCM HTTP v1: one messages:send per token, a data message at high priority. */
@Injectable()
export class FcmSender {
  constructor(
    private readonly config: AppConfig,
    private readonly tokens: FcmAccessTokens,
    @Inject(PUSH_HTTPS_AGENT) private readonly agent: Agent,
  ) {}

  async send(registrationToken: string, payload: Record<string, unknown>): Promise<SendOutcome> {
    const account = this.config.fcmServiceAccount;
    if (!account) return { result: 'failed', reason: 'FCM is not configured' };
    const url = `${this.config.fcmApiUrl}/v1/projects/${encodeURIComponent(account.projectId)}/messages:send`;
    const body = JSON.stringify({ message: { token: registrationToken, data: toFcmData(payload), android: { priority: 'high' }, apns: { headers: { 'apns-priority': '10' } } } });
    try {
      let accessToken = await this.tokens.get();
      let answer = await this.call(url, accessToken, body);
      if (answer.status === 401) {
        // The token may have been revoked or rotated early: one fresh token, one more try.
        this.tokens.invalidate(accessToken);
        accessToken = await this.tokens.get();
        answer = await this.call(url, accessToken, body);
      }
      if (answer.status === 404 && errorCodeOf(answer) === 'UNREGISTERED') return { result: 'gone' };
      return outcomeOfStatus(answer.status, answer.headers['retry-after']);
    } catch (error) {
      return { result: 'retry', reason: (error as Error).message };
    }
  }

  private call(url: string, accessToken: string, body: string): Promise<PostAnswer> {
    return post(url, { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' }, body, this.agent, SEND_TIMEOUT_MS);
  }
}

/** FCM v1 errors carry `details: [{"@type": "…FcmError", "errorCode": "UNREGISTERED"}]`. */
function errorCodeOf(answer: PostAnswer): string | undefined {
  try {
    const details = (JSON.parse(answer.body) as { error?: { details?: { errorCode?: string }[] } }).error?.details ?? [];
    return details.find((detail) => typeof detail.errorCode === 'string')?.errorCode;
  } catch {
    return undefined;
  }
}
