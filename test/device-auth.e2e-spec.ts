import { createServer, request as httpRequest, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AuthModule } from '../src/auth/auth.module';
import { DeviceAuthenticator, type DeviceAuthResult } from '../src/auth/device-authenticator';
import { TicketsService } from '../src/auth/tickets.service';
import { ConfigModule } from '../src/config/config.module';
import { loadConfig, type Environment } from '../src/config/config.schema';
import { DatabaseModule } from '../src/database/database.module';
import { createTestDatabase } from './support/database';
import { FakeDelegate, unreachableUrl } from './support/fake-delegate';
import { newUser } from './support/factories';
import { eventually, pollUntil } from './support/waiters';

/** Every line the service logged in this file, to prove no credential ever reaches a log. */
const logged: string[] = [];
const capture = (...parts: unknown[]) => void logged.push(parts.map(String).join(' '));
const capturingLogger: LoggerService = { log: capture, error: capture, warn: capture, debug: capture, verbose: capture, fatal: capture };

/**
 * DeviceAuthenticator on a real database, behind a real HTTP server: each probe is a genuine
 * request whose IncomingMessage (headers, url, peer address) the authenticator judges.
 */
class Probe {
  private constructor(
    private readonly server: Server,
    private readonly moduleRef: TestingModule,
    private readonly port: number,
  ) {}

  static async start(databaseUrl: string, env: Environment): Promise<Probe> {
    const config = loadConfig({ DATABASE_URL: databaseUrl, APP_TOKEN: 'unused', MIGRATE_ON_START: 'false', RETENTION_CRON: 'off', ...env });
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), DatabaseModule, AuthModule] })
      .setLogger(capturingLogger)
      .compile();
    await moduleRef.init();
    const authenticator = moduleRef.get(DeviceAuthenticator);
    const server = createServer((request, response) => {
      void authenticator.authenticate(request).then((result) => response.setHeader('Content-Type', 'application/json').end(JSON.stringify(result)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new Probe(server, moduleRef, (server.address() as AddressInfo).port);
  }

  get tickets(): TicketsService {
    return this.moduleRef.get(TicketsService);
  }

  /** Sends a device's connection request and returns the authenticator's verdict. */
  connect(path = '/subscribe', headers: OutgoingHttpHeaders = {}): Promise<DeviceAuthResult & { elapsedMs: number }> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port: this.port, path, headers, agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ ...(JSON.parse(body) as DeviceAuthResult), elapsedMs: performance.now() - started }));
      });
      request.on('error', reject).end();
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.moduleRef.close();
  }
}

const ALLOWED = 'https://app.example.com';

describe('device authentication (docs/protocol.md, Authentication)', () => {
  let databaseUrl: string;
  let delegate: FakeDelegate;
  /** Delegation to `delegate`, ALLOWED_ORIGINS set, a 300 ms delegate timeout. */
  let delegated: Probe;
  let nothingConfigured: Probe;
  const probes: Probe[] = [];
  const started = async (env: Environment) => {
    const probe = await Probe.start(databaseUrl, env);
    probes.push(probe);
    return probe;
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    delegate = await FakeDelegate.start();
    delegated = await started({ AUTH_DELEGATE_URL: delegate.url, AUTH_DELEGATE_TIMEOUT_MS: '300', ALLOWED_ORIGINS: `${ALLOWED},http://localhost:8080` });
    nothingConfigured = await started({});
  });
  afterAll(async () => {
    await Promise.all(probes.map((probe) => probe.close()));
    await delegate.close();
  });

  describe('delegation', () => {
    it('accepts the user the application names as user_id, and as userId', async () => {
      const user = newUser();
      delegate.accept(user, 'user_id');
      expect(await delegated.connect()).toMatchObject({ ok: true, userId: user });
      delegate.accept(`${user}-b`, 'userId');
      expect(await delegated.connect()).toMatchObject({ ok: true, userId: `${user}-b` });
    });

    it('forwards Cookie, Authorization and Origin unchanged, and the device address as X-Forwarded-For', async () => {
      delegate.accept(newUser());
      const cookie = 'session=s%3Aabc.def; theme=dark';
      const authorization = 'Bearer eyJhbGciOi.device.token';
      await delegated.connect('/subscribe', { Cookie: cookie, Authorization: authorization, Origin: ALLOWED });
      expect(delegate.lastRequest).toMatchObject({ method: 'GET', url: '/auth' });
      expect(delegate.lastRequest!.headers).toMatchObject({ cookie, authorization, origin: ALLOWED, 'x-forwarded-for': '127.0.0.1' });
    });

    it('appends the device address to an existing X-Forwarded-For', async () => {
      delegate.accept(newUser());
      await delegated.connect('/subscribe', { 'X-Forwarded-For': '203.0.113.7, 10.0.0.1' });
      expect(delegate.lastRequest!.headers['x-forwarded-for']).toBe('203.0.113.7, 10.0.0.1, 127.0.0.1');
    });

    it('sends no Cookie, Authorization or Origin the device did not send', async () => {
      delegate.accept(newUser());
      await delegated.connect();
      expect(delegate.lastRequest!.headers).not.toHaveProperty('cookie');
      expect(delegate.lastRequest!.headers).not.toHaveProperty('authorization');
      expect(delegate.lastRequest!.headers).not.toHaveProperty('origin');
    });

    it.each([401, 403])('answers 401 when the application refuses with %i', async (status) => {
      delegate.answerWith({ status, body: { error: 'no session' } });
      expect(await delegated.connect()).toMatchObject({ ok: false, status: 401 });
    });

    it.each([
      ['500', { status: 500, body: 'oops' }],
      ['a redirect to a login page', { status: 302, body: { user_id: 'u-redirect' } }],
      ['another success status', { status: 201, body: { user_id: 'u-created' } }],
      ['200 with HTML', { status: 200, body: '<html>please log in</html>' }],
      ['200 without a user', { status: 200, body: { ok: true } }],
      ['200 with an invalid user id', { status: 200, body: { user_id: '' } }],
      ['200 with an oversized body', { status: 200, body: { user_id: 'u', padding: 'x'.repeat(100_000) } }],
    ])('answers 503 when the application answers %s', async (_, answer) => {
      delegate.answerWith(answer);
      expect(await delegated.connect()).toMatchObject({ ok: false, status: 503 });
    });

    it('does not follow a redirect, which would carry the cookies elsewhere', async () => {
      delegate.answerWith({ status: 302, headers: { Location: '/login' }, body: { user_id: newUser() } });
      const asked = delegate.requests.length;
      expect(await delegated.connect('/subscribe', { Cookie: 'session=x' })).toMatchObject({ ok: false, status: 503 });
      expect(delegate.requests.length).toBe(asked + 1);
    });

    // The application answers long after the 300 ms timeout; pns must neither wait for it nor keep its connection.
    it.each([
      ['answers late', { delayMs: 20_000 }],
      ['sends its headers but holds the body back', { bodyDelayMs: 20_000 }],
    ])('answers 503 within the timeout when the application %s, and hangs up on it', async (_, delays) => {
      delegate.answerWith({ status: 200, body: { user_id: newUser() }, ...delays });
      const result = await delegated.connect();
      expect(result).toMatchObject({ ok: false, status: 503 });
      expect(result.elapsedMs).toBeGreaterThanOrEqual(250);
      // Far from the application's 20 s, with room for a loaded machine.
      expect(result.elapsedMs).toBeLessThan(5_000);
      await eventually(() => delegate.lastRequest!.abandoned, 'pns to hang up on the application');
    });

    it('answers 503 when the application is unreachable', async () => {
      const down = await started({ AUTH_DELEGATE_URL: await unreachableUrl() });
      expect(await down.connect()).toMatchObject({ ok: false, status: 503 });
    });
  });

  describe('origin', () => {
    it('refuses a browser origin not in ALLOWED_ORIGINS with 403, without asking the application', async () => {
      delegate.accept(newUser());
      const asked = delegate.requests.length;
      for (const origin of ['https://evil.example', 'http://app.example.com', 'https://app.example.com:8443', 'null', 'not a url']) {
        expect(await delegated.connect('/subscribe', { Origin: origin })).toMatchObject({ ok: false, status: 403 });
      }
      expect(delegate.requests.length).toBe(asked);
    });

    it('refuses a bad origin with 403 even with a valid ticket', async () => {
      const connectionId = newUser('ticket');
      await delegated.tickets.register(newUser(), connectionId);
      expect(await delegated.connect(`/subscribe?connectionId=${connectionId}`, { Origin: 'https://evil.example' })).toMatchObject({ ok: false, status: 403 });
    });

    it('lets an allowed origin (compared as an origin) and a request without Origin through', async () => {
      const user = newUser();
      delegate.accept(user);
      expect(await delegated.connect('/subscribe', { Origin: 'HTTPS://App.Example.com:443' })).toMatchObject({ ok: true, userId: user });
      expect(await delegated.connect('/subscribe', { Origin: 'http://localhost:8080' })).toMatchObject({ ok: true, userId: user });
      expect(await delegated.connect()).toMatchObject({ ok: true, userId: user });
    });

    it('lets any origin through when ALLOWED_ORIGINS is unset', async () => {
      const connectionId = newUser('ticket');
      const user = newUser();
      await nothingConfigured.tickets.register(user, connectionId);
      expect(await nothingConfigured.connect(`/subscribe?connectionId=${connectionId}`, { Origin: 'https://anywhere.example' })).toMatchObject({ ok: true, userId: user });
    });
  });

  describe('tickets', () => {
    it('authenticates a registered ticket as its user, any number of times', async () => {
      const user = newUser();
      const connectionId = crypto.randomUUID();
      await nothingConfigured.tickets.register(user, connectionId);
      for (let i = 0; i < 3; i++) {
        expect(await nothingConfigured.connect(`/subscribe?connectionId=${connectionId}`)).toMatchObject({ ok: true, userId: user });
      }
    });

    it('refuses an unknown or empty ticket with 401', async () => {
      expect(await nothingConfigured.connect(`/subscribe?connectionId=${crypto.randomUUID()}`)).toMatchObject({ ok: false, status: 401 });
      expect(await nothingConfigured.connect('/subscribe?connectionId=')).toMatchObject({ ok: false, status: 401 });
    });

    it('refuses an expired ticket with 401', async () => {
      const shortLived = await started({ TICKET_TTL: '1s' });
      const connectionId = crypto.randomUUID();
      await shortLived.tickets.register(newUser(), connectionId);
      expect(await shortLived.connect(`/subscribe?connectionId=${connectionId}`)).toMatchObject({ ok: true });
      const refused = await pollUntil(() => shortLived.connect(`/subscribe?connectionId=${connectionId}`), (result) => !result.ok, 'the ticket to expire');
      expect(refused).toMatchObject({ ok: false, status: 401 });
    });

    it('decides alone when present: a valid ticket wins over a refusing application, an unknown one loses to an accepting one', async () => {
      const user = newUser();
      const connectionId = crypto.randomUUID();
      await delegated.tickets.register(user, connectionId);
      delegate.answerWith({ status: 401 });
      const asked = delegate.requests.length;
      expect(await delegated.connect(`/subscribe?connectionId=${connectionId}`, { Cookie: 'session=x' })).toMatchObject({ ok: true, userId: user });
      delegate.accept(newUser());
      expect(await delegated.connect(`/subscribe?connectionId=${crypto.randomUUID()}`, { Cookie: 'session=x' })).toMatchObject({ ok: false, status: 401 });
      expect(delegate.requests.length).toBe(asked);
    });

    it('reads the ticket from any path with a query, URL-decoded', async () => {
      const user = newUser();
      const connectionId = 'ticket with spaces & symbols/é';
      await nothingConfigured.tickets.register(user, connectionId);
      expect(await nothingConfigured.connect(`/subscribe_to_events?x=1&connectionId=${encodeURIComponent(connectionId)}`)).toMatchObject({ ok: true, userId: user });
    });
  });

  it('refuses with 401 and says how to authenticate when neither a ticket nor delegation is available', async () => {
    const result = await nothingConfigured.connect('/subscribe', { Cookie: 'session=x' });
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(!result.ok && result.message).toMatch(/connectionId/);
  });

  it('never logs cookies, authorization headers or connection ids', async () => {
    logged.length = 0;
    const secrets = { cookie: 'session=LOGME-cookie-7d1f', authorization: 'Bearer LOGME-bearer-93ac', connectionId: 'LOGME-ticket-51be' };
    await delegated.tickets.register(newUser(), secrets.connectionId);
    for (const answer of [{ status: 200, body: { user_id: newUser() } }, { status: 401 }, { status: 500 }, { status: 200, body: 'nope' }]) {
      delegate.answerWith(answer);
      await delegated.connect('/subscribe', { Cookie: secrets.cookie, Authorization: secrets.authorization });
    }
    await delegated.connect(`/subscribe?connectionId=${secrets.connectionId}`);
    await delegated.connect('/subscribe?connectionId=LOGME-unknown');
    expect(logged.filter((line) => /device (authenticated|refused)|unavailable/.test(line)).length).toBeGreaterThanOrEqual(6);
    expect(logged.filter((line) => line.includes('LOGME'))).toEqual([]);
  });
});
