import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import request from 'supertest';
import { startApp, type RunningApp } from './support/app';
import { launchChromium } from './support/browser-pages';
import { createTestDatabase } from './support/database';
import { pollUntil } from './support/waiters';

/** docs/push.md: /pns-sw.js in Chromium, pushes delivered through the DevTools protocol. */
describe('the pns service worker', () => {
  let pns: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let devtools: CDPSession;
  let registrationId = '';

  /** The titles and tags of the notifications the worker shows now. */
  const shown = () =>
    page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag })));
  const waitShown = (expected: unknown[], what: string, timeoutMs?: number) =>
    pollUntil(shown, (now) => JSON.stringify(now) === JSON.stringify(expected), what, timeoutMs);
  /**
   * Delivers `payload` until the worker shows `expected`. Headless Chromium now and then loses a
   * message delivered through DevTools; delivering it again is what a push service's retry
   * does, and harmless here: the worker shows a pns notification under its id's tag, so a second
   * delivery replaces the first and never adds one, and a clear closes what is already closed.
   */
  const deliverUntilShown = async (payload: unknown, expected: unknown[], what: string) => {
    for (let attempt = 1; ; attempt += 1) {
      await push(payload);
      try {
        return await waitShown(expected, what, 3_000);
      } catch (error) {
        if (attempt === 5) throw error;
      }
    }
  };
  const push = (payload: unknown) => devtools.send('ServiceWorker.deliverPushMessage', { origin: pns.baseUrl, registrationId, data: JSON.stringify(payload) });

  beforeAll(async () => {
    [pns, browser] = await Promise.all([createTestDatabase().then((url) => startApp(url)), launchChromium()]);
    context = await browser.newContext();
    await context.grantPermissions(['notifications'], { origin: pns.baseUrl });
    page = await context.newPage();
    devtools = await context.newCDPSession(page);
    const registered = new Promise<string>((resolve) =>
      devtools.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((registration) => registration.scopeURL === `${pns.baseUrl}/` && !registration.isDeleted);
        if (ours) resolve(ours.registrationId);
      }),
    );
    await devtools.send('ServiceWorker.enable');
    // 127.0.0.1 is a secure context: a worker registers over plain http there.
    await page.goto(`${pns.baseUrl}/api/status/ping`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/pns-sw.js');
      await navigator.serviceWorker.ready;
    });
    registrationId = await registered;
  });
  afterAll(async () => {
    await browser?.close();
    await pns?.close();
  });

  it('is served as JavaScript without a token', async () => {
    const response = await request(pns.baseUrl).get('/pns-sw.js').expect(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('shows a pushed notification under its id, with the display title, and closes it on clear', async () => {
    const first = { title: 'Order shipped', body: 'Tomorrow', tag: '41' };
    await deliverUntilShown({ type: 'notification', id: '41', data: { a: 1 }, category: null, version: 3, display: { title: 'Order shipped', body: 'Tomorrow' } }, [first], 'the first notification');
    await deliverUntilShown({ type: 'notification', id: '42', data: 'x', category: 'chat', version: 4 }, [first, { title: 'New notification', body: '', tag: '42' }], 'both notifications');
    await deliverUntilShown({ type: 'clear', ids: ['41'], version: 5 }, [{ title: 'New notification', body: '', tag: '42' }], 'the first one closed');
    await deliverUntilShown({ type: 'clear', ids: ['42', '7'], version: 6 }, [], 'none left');
  });
});
