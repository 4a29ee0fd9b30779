import { createECDH } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { launchChromiumProfile, openWatched, waitForText } from './support/browser-pages';
import { expectClientBuilt } from './support/build';
import { createTestDatabase } from './support/database';
import { DatabaseClient } from './support/database-client';
import { FakeGcm } from './support/fake-gcm';

/** A host Chromium resolves to 127.0.0.1 by name: plain http there is no secure context. */
const INSECURE_HOST = 'pns.test';
const WAIT_MS = 15_000;

/**
 * docs/push.md: subscribePush() of the browser client, from the demo page's button, in Chromium.
 * pushManager.subscribe() is Chromium's own: it checks in with and registers at a fake GCM
 * (test/support/fake-gcm.ts), which answers the token the endpoint ends with; the keys are
 * the browser's. What no test here reaches: a push from pns arriving through GCM's message
 * channel (test/push-service-worker.e2e-spec.ts delivers pushes to the worker over DevTools).
 */
describe('subscribePush() in Chromium', () => {
  let pns: RunningApp;
  let gcm: FakeGcm;
  let database: DatabaseClient;
  let profile: string;
  let context: BrowserContext;
  let devtools: CDPSession;

  const subscriptionsOf = async (userId: string) =>
    (await request(pns.baseUrl).get(`/api/users/${encodeURIComponent(userId)}/push-subscriptions`).set(auth).expect(200)).body.items as { id: string; kind: string }[];
  /** The browser's subscription under the page's worker, as the page sees it. */
  const browserSubscription = (page: Page) =>
    page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      const subscription = await registration?.pushManager.getSubscription();
      return { script: registration?.active?.scriptURL, subscription: subscription?.toJSON() ?? null };
    });
  /** The demo page's client (window.pns) subscribes; answers pns's id of the subscription. */
  const subscribeFrom = (page: Page) => page.evaluate(async () => (await (window as unknown as { pns: { subscribePush(): Promise<{ id: string }> } }).pns.subscribePush()).id);
  const openDemo = async (origin: string) => {
    const watched = await openWatched(context, `${origin}/demo`);
    await waitForText(watched.page, '#status', 'live · WebSocket');
    const user = (await waitForText(watched.page, '#who', /^demo user /)).slice('demo user '.length);
    return { ...watched, user };
  };

  beforeAll(async () => {
    await expectClientBuilt();
    const [url, fakeGcm, folder] = await Promise.all([createTestDatabase(), FakeGcm.start(), mkdtemp(join(tmpdir(), 'pns-chromium-'))]);
    [gcm, profile] = [fakeGcm, folder];
    const connection = new pg.Client({ connectionString: url });
    await connection.connect();
    database = new DatabaseClient(connection);
    // The default PUSH_ENDPOINTS: a browser's real endpoint must pass them as they ship.
    pns = await startApp(url, { DEMO: 'true' });
    context = await launchChromiumProfile(profile, [...gcm.flags, `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`]);
    context.setDefaultTimeout(WAIT_MS);
    devtools = await context.newCDPSession(context.pages()[0] ?? (await context.newPage()));
  });
  afterAll(async () => {
    await context?.close();
    await pns?.close();
    await gcm?.close();
    await database?.end();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it("subscribes this browser at its push service with pns's key, stores that very subscription once, and turning it off removes it from both", async () => {
    const origin = pns.baseUrl;
    await devtools.send('Browser.grantPermissions', { origin, permissions: ['notifications'] });
    const { page, problems, user } = await openDemo(origin);
    expect(await page.textContent('#push-button')).toBe('Enable notifications');

    await page.click('#push-button');
    await waitForText(page, '#push-button', 'Turn notifications off');
    const id = await page.getAttribute('#push-button', 'data-subscription');
    const { publicKey } = (await request(origin).get('/push/vapid-public-key').expect(200)).body as { publicKey: string };
    const registrations = gcm.webPushRegistrationsOf(origin);
    expect(registrations).toEqual([expect.objectContaining({ sender: publicKey })]);
    const { script, subscription } = await browserSubscription(page);
    expect(script).toBe(`${origin}/pns-sw.js`);
    // A Chromium that is not Google Chrome's stable channel subscribes on FCM's jmt17 host.
    expect(subscription).toEqual({ endpoint: `https://jmt17.google.com/fcm/send/${registrations[0].token}`, expirationTime: null, keys: { p256dh: expect.any(String), auth: expect.any(String) } });
    expect(await subscriptionsOf(user)).toEqual([expect.objectContaining({ id, kind: 'webpush' })]);
    expect(await database.pushSubscription(id!)).toEqual({ userId: user, kind: 'webpush', address: subscription!.endpoint, p256dh: subscription!.keys!.p256dh, auth: subscription!.keys!.auth });

    // The next visit shows it on, and subscribing again is the same subscription in the browser and in pns.
    await page.reload();
    await waitForText(page, '#status', 'live · WebSocket');
    await waitForText(page, '#push-button', 'Turn notifications off');
    expect(await subscribeFrom(page)).toBe(id);
    expect(gcm.webPushRegistrationsOf(origin)).toHaveLength(1);
    expect(await subscriptionsOf(user)).toHaveLength(1);

    await page.click('#push-button');
    await waitForText(page, '#push-button', 'Enable notifications');
    expect(await subscriptionsOf(user)).toEqual([]);
    expect((await browserSubscription(page)).subscription).toBeNull();
    expect(gcm.webPushDeletionsOf(origin)).toEqual([registrations[0].subtype]);
    expect(problems).toEqual([]);
  });

  it("replaces a subscription the browser holds with another key (pns's keys were replaced)", async () => {
    const origin = pns.baseUrl;
    await devtools.send('Browser.grantPermissions', { origin, permissions: ['notifications'] });
    const { page, problems, user } = await openDemo(origin);
    const otherKey = createECDH('prime256v1');
    otherKey.generateKeys();
    const stale = await page.evaluate(async (applicationServerKey) => {
      const registration = await navigator.serviceWorker.register('/pns-sw.js');
      await navigator.serviceWorker.ready;
      return (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey })).endpoint;
    }, otherKey.getPublicKey().toString('base64url'));

    const id = await subscribeFrom(page);
    const { publicKey } = (await request(origin).get('/push/vapid-public-key').expect(200)).body as { publicKey: string };
    expect(gcm.webPushRegistrationsOf(origin).slice(-2).map((registration) => registration.sender)).toEqual([otherKey.getPublicKey().toString('base64url'), publicKey]);
    const [staleRegistration, registration] = gcm.webPushRegistrationsOf(origin).slice(-2);
    expect(gcm.webPushDeletionsOf(origin)).toContain(staleRegistration.subtype);
    const { subscription } = await browserSubscription(page);
    expect(stale).toBe(`https://jmt17.google.com/fcm/send/${staleRegistration.token}`);
    expect(subscription!.endpoint).toBe(`https://jmt17.google.com/fcm/send/${registration.token}`);
    expect(await subscriptionsOf(user)).toEqual([expect.objectContaining({ id })]);
    expect((await database.pushSubscription(id))?.address).toBe(subscription!.endpoint);
    expect(problems).toEqual([]);
  });

  it('says so, stores nothing and logs no error when notifications are refused, then blocked', async () => {
    // Another origin of the same pns, with its own permission: headless Chromium refuses the prompt.
    const origin = pns.baseUrl.replace('127.0.0.1', 'localhost');
    const { page, problems, user } = await openDemo(origin);
    await page.click('#push-button');
    await waitForText(page, '#push-note', /^Notifications are blocked for this site/);
    expect(await page.isDisabled('#push-button')).toBe(true);

    await devtools.send('Browser.setPermission', { origin, permission: { name: 'notifications' }, setting: 'denied' });
    await page.reload();
    await waitForText(page, '#status', 'live · WebSocket');
    await waitForText(page, '#push-note', /^Notifications are blocked for this site/);
    expect(await page.isDisabled('#push-button')).toBe(true);
    expect(await subscriptionsOf(user)).toEqual([]);
    expect(gcm.webPushRegistrationsOf(origin)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('says so and logs no error where the browser has no Web Push (plain http is no secure context)', async () => {
    const { page, problems } = await openDemo(pns.baseUrl.replace('127.0.0.1', INSECURE_HOST));
    await waitForText(page, '#push-note', /^This browser cannot show notifications from this page/);
    expect(await page.isDisabled('#push-button')).toBe(true);
    expect(problems).toEqual([]);
  });
});
