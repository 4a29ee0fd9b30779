import request from 'supertest';
import { startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { SseDevice } from './support/sse-device';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example';
const CORS_PATHS = ['/client.js', '/subscribe', '/subscribe/requests', '/push/vapid-public-key'];

type Headers = Record<string, string | string[] | undefined>;

const preflight = (pns: RunningApp, path: string, origin: string, method = 'POST') =>
  request(pns.baseUrl).options(path).set('Origin', origin).set('Access-Control-Request-Method', method).set('Access-Control-Request-Headers', 'content-type, last-event-id');

function expectCorsFor(headers: Headers, origin: string): void {
  expect(headers['access-control-allow-origin']).toBe(origin);
  expect(headers['access-control-allow-credentials']).toBe('true');
  expect(headers.vary).toMatch(/\bOrigin\b/);
}

function expectNoCors(headers: Headers): void {
  expect(headers['access-control-allow-origin']).toBeUndefined();
  expect(headers['access-control-allow-credentials']).toBeUndefined();
}

/** docs/firewalls.md, CORS: pages of an allowed origin on another host use /client.js, the SSE stream and /subscribe/requests. */
describe('CORS of the browser client and the device transports', () => {
  let restricted: RunningApp;
  let open: RunningApp;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    [restricted, open] = await Promise.all([startApp(databaseUrl, { ALLOWED_ORIGINS: `${ALLOWED},https://other-app.example.com` }), startApp(databaseUrl)]);
  });
  afterAll(() => Promise.all([restricted.close(), open.close()]));

  describe('with ALLOWED_ORIGINS', () => {
    it.each(CORS_PATHS)('answers the preflight of %s for an allowed origin with 204 and the methods and headers a device uses', async (path) => {
      const response = await preflight(restricted, path, ALLOWED).expect(204);
      expectCorsFor(response.headers, ALLOWED);
      expect(response.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
      for (const header of ['Content-Type', 'Authorization', 'Last-Event-ID']) expect(response.headers['access-control-allow-headers']).toContain(header);
      expect(response.headers['access-control-max-age']).toBe('600');
      expect(response.text).toBe('');
    });

    it.each(CORS_PATHS)('refuses the preflight of %s from another origin with 403 and no CORS headers', async (path) => {
      const response = await preflight(restricted, path, OTHER).expect(403);
      expectNoCors(response.headers);
      expect(response.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining('ALLOWED_ORIGINS') });
    });

    it('answers requests of an allowed origin with its CORS headers, and refuses another origin with 403', async () => {
      const ticket = await registerTicket(restricted, newUser());
      const ask = (origin: string) => request(restricted.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).set('Origin', origin).set('Content-Type', 'text/plain').send('"unseenNotificationDataRequest"');
      expectCorsFor((await ask(ALLOWED).expect(200)).headers, ALLOWED);
      expectCorsFor((await ask('https://other-app.example.com').expect(200)).headers, 'https://other-app.example.com');
      expectNoCors((await ask(OTHER).expect(403)).headers);
    });

    it('serves the event stream to an allowed origin with its CORS headers', async () => {
      const ticket = await registerTicket(restricted, newUser());
      const device = await SseDevice.open(restricted.baseUrl, { path: `/subscribe?connectionId=${ticket}`, headers: { Origin: ALLOWED } });
      try {
        expectCorsFor(device.response.headers, ALLOWED);
        await device.nextEvent(() => true, { since: 0 });
      } finally {
        device.close();
      }
    });

    it('puts the CORS headers on refusals too, so the page can read why (401)', async () => {
      const response = await request(restricted.baseUrl).post('/subscribe/requests?connectionId=unknown').set('Origin', ALLOWED).send('{}').expect(401);
      expectCorsFor(response.headers, ALLOWED);
    });

    it('answers /client.js with the CORS headers of an allowed origin only', async () => {
      // Whether the client is built or not (200 or 404), its answer carries the headers.
      expectCorsFor((await request(restricted.baseUrl).get('/client.js').set('Origin', ALLOWED)).headers, ALLOWED);
      const other = await request(restricted.baseUrl).get('/client.js').set('Origin', OTHER);
      expectNoCors(other.headers);
      expect(other.headers.vary).toMatch(/\bOrigin\b/);
    });
  });

  describe('without ALLOWED_ORIGINS', () => {
    it.each(CORS_PATHS)('echoes any http(s) origin on %s, preflight and request alike, with credentials', async (path) => {
      const origin = 'https://anywhere.example:8443';
      expectCorsFor((await preflight(open, path, origin, 'GET').expect(204)).headers, origin);
      expectCorsFor((await request(open.baseUrl).get(path).set('Origin', origin)).headers, origin);
    });

    it('never echoes the opaque origin "null" (sandboxed frames, file: pages)', async () => {
      const response = await preflight(open, '/subscribe/requests', 'null').expect(403);
      expectNoCors(response.headers);
    });

    it('serves requests without an Origin (not a browser) without CORS headers', async () => {
      const ticket = await registerTicket(open, newUser());
      const response = await request(open.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).send('"unseenNotificationDataRequest"').expect(200);
      expectNoCors(response.headers);
      expect(response.headers.vary).toMatch(/\bOrigin\b/);
    });
  });

  it('answers CORS on those paths only: the backend API is not for browsers', async () => {
    for (const pns of [restricted, open]) {
      expectNoCors((await request(pns.baseUrl).get('/api/status/ping').set('Origin', ALLOWED).expect(200)).headers);
      expectNoCors((await preflight(pns, '/api/notifications', ALLOWED)).headers);
    }
  });
});
