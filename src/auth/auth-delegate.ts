import type { IncomingMessage } from 'node:http';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { userIdFromDelegateAnswer } from './delegate-answer.js';
import { delegateHeaders } from './delegate-request.js';
import type { DeviceAuthResult } from './device-authenticator.js';

// An answer naming a user is a few bytes; a larger one is a misconfigured endpoint (a login page).
const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * Asks the application's `AUTH_DELEGATE_URL` who a connecting device is (docs/protocol.md, Authentication). The
 * timeout covers connecting, the headers and the body, so a slow application holds nothing
 * past it. Logs carry outcomes and statuses only: the forwarded headers are credentials.
 */
@Injectable()
export class AuthDelegate {
  private readonly logger = new Logger(AuthDelegate.name);
  private readonly url: string | undefined;
  private readonly timeoutMs: number;

  constructor(
    config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.url = config.authDelegateUrl;
    this.timeoutMs = config.authDelegateTimeoutMs;
  }

  get configured(): boolean {
    return this.url !== undefined;
  }

  async authenticate(request: IncomingMessage): Promise<DeviceAuthResult> {
    const stopTimer = this.metrics?.delegationSeconds.startTimer();
    const result = await this.ask(request);
    stopTimer?.({ outcome: result.ok ? 'accepted' : result.status === 401 ? 'refused' : 'unavailable' });
    return result;
  }

  private async ask(request: IncomingMessage): Promise<DeviceAuthResult> {
    if (this.url === undefined) throw new Error('AUTH_DELEGATE_URL is not configured');
    let response: Response;
    try {
      response = await fetch(this.url, {
        headers: delegateHeaders(request.headers, request.socket.remoteAddress),
        // A redirect is a login page, not an answer; following it would also carry the cookies elsewhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      return this.unavailable(describeFailure(error, this.timeoutMs));
    }
    if (response.status === 401 || response.status === 403) {
      discard(response);
      this.logger.debug(`device refused by the application (${response.status})`);
      return { ok: false, status: 401, message: 'the application did not authenticate this connection' };
    }
    if (response.status !== 200) {
      discard(response);
      return this.unavailable(`the application answered ${response.status}`);
    }
    let body: string | undefined;
    try {
      body = await readLimited(response, MAX_ANSWER_BYTES);
    } catch (error) {
      return this.unavailable(describeFailure(error, this.timeoutMs));
    }
    if (body === undefined) return this.unavailable(`the application answered 200 with more than ${MAX_ANSWER_BYTES} bytes`);
    const userId = userIdFromDelegateAnswer(body);
    if (userId === undefined) return this.unavailable('the application answered 200 without {"user_id": "<a user id>"}');
    this.logger.debug('device authenticated by the application');
    return { ok: true, userId };
  }

  private unavailable(reason: string): DeviceAuthResult {
    this.logger.warn(`device authentication unavailable: ${reason}`);
    return { ok: false, status: 503, message: 'the authentication service is unavailable; try again later' };
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  // fetch's own message is generic ("fetch failed"); the cause's code says why (ECONNREFUSED, ENOTFOUND…).
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return `the application is unreachable (${typeof code === 'string' ? code : error instanceof Error ? error.message : 'unknown error'})`;
}

// An unread body keeps its connection busy until the peer finishes sending it.
function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/** The body as text, or undefined (and the rest discarded) when it is larger than `maxBytes`. */
async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
}
