import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import type { TestCertificate } from './fake-push-tls';
import { DEADLINE_MS, Waiters } from './waiters';

export const PROJECT_ID = 'pns-test-project';
const CLIENT_EMAIL = 'pns@pns-test-project.iam.gserviceaccount.com';
const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

export interface FcmMessage {
  at: number;
  token: string;
  data: Record<string, unknown>;
  accessToken: string;
  status: number;
}

/**
 * Google's OAuth token endpoint and FCM HTTP v1 over HTTPS on 127.0.0.1. The token endpoint
 * verifies the JWT assertion with the service account's public key; messages:send accepts
 * only tokens it issued and not revoked. `serviceAccountFile` is the JSON for FCM_SERVICE_ACCOUNT.
 */
export class FakeFcm {
  readonly messages: FcmMessage[] = [];
  readonly tokenRequests: { iss: unknown; scope: unknown; aud: unknown }[] = [];
  readonly problems: string[] = [];
  serviceAccountFile = '';
  origin = '';
  private readonly issued = new Set<string>();
  private readonly unregistered = new Set<string>();
  private readonly overloaded = new Map<string, { status: number; retryAfter: string }[]>();
  private readonly waiters = new Waiters(() => `messages: ${JSON.stringify(this.messages)}, token requests: ${this.tokenRequests.length}, problems: ${JSON.stringify(this.problems)}`);
  private refusingAccessTokens = false;
  private server!: Server;
  private publicKey!: KeyObject;

  static async start(certificate: TestCertificate): Promise<FakeFcm> {
    const fcm = new FakeFcm();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fcm.publicKey = publicKey;
    fcm.server = createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        void fcm.handle(request.method ?? '', request.url ?? '', String(request.headers.authorization ?? ''), body).then(({ status, json, headers }) => {
          response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
          response.end(JSON.stringify(json));
        });
      });
    });
    await new Promise<void>((resolve) => fcm.server.listen(0, '127.0.0.1', resolve));
    fcm.origin = `https://127.0.0.1:${(fcm.server.address() as AddressInfo).port}`;
    fcm.serviceAccountFile = join(mkdtempSync(join(tmpdir(), 'pns-fcm-')), 'service-account.json');
    writeFileSync(
      fcm.serviceAccountFile,
      JSON.stringify({
        type: 'service_account',
        project_id: PROJECT_ID,
        private_key_id: 'test',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: CLIENT_EMAIL,
        token_uri: `${fcm.origin}/token`,
      }),
    );
    return fcm;
  }

  /** The app uninstalled: FCM answers 404 UNREGISTERED for this token from now on. */
  unregister(token: string): void {
    this.unregistered.add(token);
  }

  /** The next answers to messages for this token, before FCM accepts them again. */
  overload(token: string, ...answers: { status: number; retryAfter: string }[]): void {
    this.overloaded.set(token, answers);
  }

  /** Every access token issued so far stops working (FCM answers 401). */
  revokeAccessTokens(): void {
    this.issued.clear();
  }

  /** Every access token, old or new, is refused with 401 (a service account FCM no longer accepts) until told otherwise. */
  refuseAccessTokens(refuse: boolean): void {
    this.refusingAccessTokens = refuse;
  }

  messagesTo(token: string): FcmMessage[] {
    return this.messages.filter((message) => message.token === token);
  }

  /** The usual deadline, plus room for the few seconds of grace a test configures. */
  async waitFor(condition: () => boolean, what: string, timeoutMs = DEADLINE_MS + 5_000): Promise<void> {
    await this.waiters.until(condition, timeoutMs, what);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(method: string, path: string, authorization: string, body: string): Promise<{ status: number; json: unknown; headers?: Record<string, string> }> {
    try {
      if (method === 'POST' && path === '/token') return await this.token(body);
      if (method === 'POST' && path === `/v1/projects/${PROJECT_ID}/messages:send`) return this.send(authorization, body);
      return { status: 404, json: { error: { code: 404, message: `no route ${method} ${path}` } } };
    } finally {
      this.waiters.wake();
    }
  }

  private async token(body: string): Promise<{ status: number; json: unknown }> {
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') this.problems.push(`grant_type ${form.get('grant_type')}`);
    try {
      const { payload, protectedHeader } = await jwtVerify(form.get('assertion') ?? '', this.publicKey, { issuer: CLIENT_EMAIL, audience: `${this.origin}/token`, algorithms: ['RS256'] });
      this.tokenRequests.push({ iss: payload.iss, scope: payload.scope, aud: payload.aud });
      if (payload.scope !== SCOPE) this.problems.push(`scope ${payload.scope}`);
      if (protectedHeader.alg !== 'RS256') this.problems.push(`alg ${protectedHeader.alg}`);
    } catch (error) {
      this.problems.push(`assertion: ${(error as Error).message}`);
      return { status: 400, json: { error: 'invalid_grant' } };
    }
    const accessToken = `ya29.${randomBytes(12).toString('base64url')}`;
    this.issued.add(accessToken);
    return { status: 200, json: { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' } };
  }

  private send(authorization: string, body: string): { status: number; json: unknown; headers?: Record<string, string> } {
    const accessToken = authorization.replace(/^Bearer /, '');
    const { message } = JSON.parse(body) as { message: { token: string; data: Record<string, unknown> } };
    const record = (status: number) => this.messages.push({ at: Date.now(), token: message.token, data: message.data, accessToken, status });
    if (this.refusingAccessTokens || !this.issued.has(accessToken)) {
      record(401);
      return { status: 401, json: { error: { code: 401, status: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials.' } } };
    }
    for (const [key, value] of Object.entries(message.data ?? {})) if (typeof value !== 'string') this.problems.push(`data.${key} is not a string`);
    const overload = this.overloaded.get(message.token)?.shift();
    if (overload) {
      record(overload.status);
      return { status: overload.status, json: { error: { code: overload.status, status: 'UNAVAILABLE', message: 'The service is currently unavailable.' } }, headers: { 'Retry-After': overload.retryAfter } };
    }
    if (this.unregistered.has(message.token)) {
      record(404);
      return {
        status: 404,
        json: { error: { code: 404, status: 'NOT_FOUND', message: 'Requested entity was not found.', details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }] } },
      };
    }
    record(200);
    return { status: 200, json: { name: `projects/${PROJECT_ID}/messages/${randomBytes(8).toString('hex')}` } };
  }
}
