import type { Agent } from 'node:https';
import { Inject, Injectable } from '@nestjs/common';
import { importPKCS8, SignJWT } from 'jose';
import { AppConfig, type FcmServiceAccount } from '../../config/app-config.js';
import { post } from './http-post.js';
import { PUSH_HTTPS_AGENT } from './push-https-agent.js';

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const ASSERTION_LIFETIME_SECONDS = 3600;
// Renewed a minute early, so that no request leaves with a token about to expire on the way.
const RENEW_BEFORE_MS = 60_000;
const TIMEOUT_MS = 10_000;

/**
 * OAuth 2.0 access tokens for FCM from the service account's own token_uri (RFC 7523 JWT
 * bearer grant, the assertion signed RS256 with the account's key), cached until near expiry.
 */
@Injectable()
export class FcmAccessTokens {
  private cached: { token: string; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly config: AppConfig,
    @Inject(PUSH_HTTPS_AGENT) private readonly agent: Agent,
  ) {}

  /** Concurrent callers share one request for a new token. */
  get(): Promise<string> {
    if (this.cached && Date.now() < this.cached.renewAt) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** After FCM refused `token` (401): the next get() fetches a new one, unless another caller already did. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetch(): Promise<string> {
    const account = this.account();
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(account.clientEmail)
      .setAudience(account.tokenUri)
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
      .sign(await importPKCS8(account.privateKey, 'RS256'));
    const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();
    const answer = await post(account.tokenUri, { 'Content-Type': 'application/x-www-form-urlencoded' }, body, this.agent, TIMEOUT_MS);
    if (answer.status !== 200) throw new Error(`the token endpoint answered HTTP ${answer.status}`);
    const { access_token: token, expires_in: expiresIn } = JSON.parse(answer.body) as { access_token?: unknown; expires_in?: unknown };
    if (typeof token !== 'string' || typeof expiresIn !== 'number') throw new Error('the token endpoint answered without access_token and expires_in');
    this.cached = { token, renewAt: Date.now() + expiresIn * 1000 - RENEW_BEFORE_MS };
    return token;
  }

  private account(): FcmServiceAccount {
    if (!this.config.fcmServiceAccount) throw new Error('FCM is not configured');
    return this.config.fcmServiceAccount;
  }
}
