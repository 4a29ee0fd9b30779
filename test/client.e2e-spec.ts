import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { startApp, type RunningApp } from './support/app';
import { BUILT_CLIENT, expectClientBuilt } from './support/build';
import { createTestDatabase } from './support/database';

describe('the browser client and the demo page', () => {
  let withDemo: RunningApp;
  let withoutDemo: RunningApp;

  beforeAll(async () => {
    await expectClientBuilt();
    [withDemo, withoutDemo] = await Promise.all([
      createTestDatabase().then((url) => startApp(url, { DEMO: 'true' })),
      createTestDatabase().then((url) => startApp(url, { DEMO: 'false' })),
    ]);
  });
  afterAll(() => Promise.all([withDemo?.close(), withoutDemo?.close()]));

  it('serves the built client at /client.js as a dependency-free ES module exporting createClient', async () => {
    const response = await request(withDemo.baseUrl).get('/client.js').expect(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    // Revalidating an unchanged client costs a 304.
    await request(withDemo.baseUrl).get('/client.js').set('If-None-Match', response.headers.etag).expect(304);
    expect(response.text).toBe(await readFile(BUILT_CLIENT, 'utf8'));
    expect(response.text).toMatch(/^export function createClient\(/m);
    expect(response.text).not.toMatch(/^\s*import\s|\brequire\(/m);
    // Also without DEMO, and for pages of other origins: the application's pages use it.
    const crossOrigin = await request(withoutDemo.baseUrl).get('/client.js').set('Origin', 'https://app.example.com').expect(200);
    expect(crossOrigin.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('ships type declarations beside the module, where client/package.json points', async () => {
    const manifest = JSON.parse(await readFile('client/package.json', 'utf8')) as { type: string; exports: { '.': { types: string; import: string } } };
    expect(manifest.type).toBe('module');
    expect(manifest.exports['.']).toEqual({ types: './dist/pns-client.d.ts', import: './dist/pns-client.js' });
    const declarations = await readFile('dist/client/pns-client.d.ts', 'utf8');
    expect(declarations).toMatch(/export declare function createClient\(options\?: ClientOptions\): PnsClient;/);
    for (const member of [
      'fetchUnseen(limit?: number): Promise<Item[]>',
      'fetchSeen(receivedAfter: Date | string, limit?: number): Promise<Item[]>',
      'requestWebhook(): Promise<Webhook>',
      'subscribePush(options?: PushOptions): Promise<PushSubscribed>',
      'unsubscribePush(options?: PushOptions): Promise<boolean>',
      'export interface PushOptions',
      'export interface PushSubscribed',
      'close(): void',
    ]) {
      expect(declarations).toContain(member);
    }
  });

  it('serves the demo inbox at /demo when DEMO is on, importing the client', async () => {
    const response = await request(withDemo.baseUrl).get('/demo').expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.text).toContain("import { createClient } from './client.js';");
  });

  it('has no /demo when DEMO is off', async () => {
    await request(withoutDemo.baseUrl).get('/demo').expect(404);
    await request(withoutDemo.baseUrl).get('/demo?connectionId=x').expect(404);
  });
});
