import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import type { TestCertificate } from './fake-push-tls';
import { DEADLINE_MS, Waiters } from './waiters';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ece = require('http_ece') as { decrypt(body: Buffer, params: { version: string; privateKey: ECDH; authSecret: Buffer }): Buffer };

/** A browser's side of a subscription: the keys only it holds, to decrypt what it is sent. */
export interface BrowserSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  privateKey: ECDH;
}

export interface ReceivedPush {
  endpoint: string;
  at: number;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The decrypted body, parsed. */
  payload: Record<string, unknown> | undefined;
  /** What a real push service would refuse; empty when the request was right. */
  problems: string[];
}

/** `hold`: the answer waits for it (a push service slow to answer), the request being recorded at once. */
type Answer = { status: number; headers?: Record<string, string>; hold?: Promise<void> };

/**
 * A Web Push service over HTTPS on 127.0.0.1, as strict as the vendors' ones about what pns
 * sends: the VAPID JWT (ES256, aud = this origin, exp within 24 h, sub), aes128gcm encryption
 * to the subscription's keys, TTL and Urgency. Answers 201 unless told otherwise per endpoint.
 */
export class FakePushService {
  readonly received: ReceivedPush[] = [];
  private readonly subscriptions = new Map<string, BrowserSubscription>();
  private readonly scripted = new Map<string, Answer[]>();
  private readonly waiters = new Waiters(() => `received: ${JSON.stringify(this.received.map(({ endpoint, status, payload, problems }) => ({ endpoint, status, payload, problems })))}`);
  private server!: Server;
  origin = '';

  static async start(certificate: TestCertificate): Promise<FakePushService> {
    const service = new FakePushService();
    service.server = createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void service.receive(request.url ?? '', request.headers, Buffer.concat(chunks)).then(({ status, headers }) => {
          response.writeHead(status, headers);
          response.end();
        });
      });
    });
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    service.origin = `https://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
    return service;
  }

  /** A new browser subscription on this service, with keys made now. */
  subscribe(): BrowserSubscription {
    const privateKey = createECDH('prime256v1');
    privateKey.generateKeys();
    const subscription = {
      endpoint: `${this.origin}/push/${randomBytes(16).toString('base64url')}`,
      keys: { p256dh: privateKey.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
      privateKey,
    };
    this.subscriptions.set(subscription.endpoint, subscription);
    return subscription;
  }

  /** The next answers for that endpoint, in order (then 201). */
  answer(endpoint: string, ...answers: Answer[]): void {
    this.scripted.set(endpoint, [...(this.scripted.get(endpoint) ?? []), ...answers]);
  }

  pushesTo(endpoint: string): ReceivedPush[] {
    return this.received.filter((push) => push.endpoint === endpoint);
  }

  /** The usual deadline, plus room for the few seconds of grace a test configures. */
  async waitFor(condition: () => boolean, what: string, timeoutMs = DEADLINE_MS + 5_000): Promise<void> {
    await this.waiters.until(condition, timeoutMs, what);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async receive(path: string, headers: ReceivedPush['headers'], body: Buffer): Promise<Answer> {
    const endpoint = `${this.origin}${path}`;
    const answer = this.scripted.get(endpoint)?.shift() ?? { status: 201 };
    const problems: string[] = [];
    const subscription = this.subscriptions.get(endpoint);
    if (!subscription) problems.push('unknown endpoint');
    await this.checkVapid(headers.authorization, problems);
    if (headers['content-encoding'] !== 'aes128gcm') problems.push(`Content-Encoding ${headers['content-encoding']}`);
    if (!/^\d+$/.test(String(headers.ttl))) problems.push(`TTL ${headers.ttl}`);
    if (headers.urgency !== 'high') problems.push(`Urgency ${headers.urgency}`);
    let payload: Record<string, unknown> | undefined;
    if (subscription) {
      try {
        const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: subscription.privateKey, authSecret: Buffer.from(subscription.keys.auth, 'base64url') });
        payload = JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
      } catch (error) {
        problems.push(`body does not decrypt: ${(error as Error).message}`);
      }
    }
    this.received.push({ endpoint, at: Date.now(), status: answer.status, headers, payload, problems });
    this.waiters.wake();
    await answer.hold;
    return answer;
  }

  /** RFC 8292: `vapid t=<JWT>, k=<the signer's public key>`. */
  private async checkVapid(authorization: string | string[] | undefined, problems: string[]): Promise<void> {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(String(authorization));
    if (!match) {
      problems.push(`Authorization ${authorization}`);
      return;
    }
    const [, token, k] = match;
    const point = Buffer.from(k, 'base64url');
    try {
      if (decodeProtectedHeader(token).alg !== 'ES256') problems.push('VAPID JWT is not ES256');
      const key = await importJWK({ kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') }, 'ES256');
      await jwtVerify(token, key, { audience: this.origin, algorithms: ['ES256'] });
      const claims = decodeJwt(token);
      if (typeof claims.exp !== 'number' || claims.exp > Date.now() / 1000 + 24 * 3600) problems.push(`VAPID exp ${claims.exp} beyond 24 h`);
      if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) problems.push(`VAPID sub ${claims.sub}`);
    } catch (error) {
      problems.push(`VAPID JWT: ${(error as Error).message}`);
    }
  }
}
