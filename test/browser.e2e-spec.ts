import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import type { ClientOptions, ClientEvents, createClient, Item, PnsClient } from '../client/src/pns-client';
import { auth, startApp, type RunningApp } from './support/app';
import { launchChromium, waitForCount, waitForText } from './support/browser-pages';
import { expectClientBuilt } from './support/build';
import { createTestDatabase } from './support/database';
import { postNotification, registerTicket, unseenCount } from './support/devices';
import { newUser } from './support/factories';
import { startProxy, type HttpProxy } from './support/http-proxy';
import { DEADLINE_MS } from './support/waiters';

const PUBLIC_URL = 'https://pns.example.com';
/** The longest reconnection delay of the WebSocket test's client. */
const MAX_RECONNECT_DELAY_MS = 100;

/** What a page records of the client it runs (see startClient). */
interface Recorded {
  counts: number[];
  opens: string[];
  closes: ClientEvents['close'][];
  errors: string[];
}

declare global {
  interface Window {
    createClient: typeof createClient;
    client: PnsClient;
    recorded: Recorded;
  }
}

describe('the browser client and the demo inbox in Chromium (README, In the browser)', () => {
  let pns: RunningApp;
  /** Refuses WebSocket upgrades, like some corporate proxies. */
  let blocking: HttpProxy;
  /** Forwards everything, to cut connections in the middle. */
  let forwarding: HttpProxy;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    await expectClientBuilt();
    [pns, browser] = await Promise.all([
      createTestDatabase().then((url) => startApp(url, { DEMO: 'true', PUBLIC_URL })),
      launchChromium(),
    ]);
    [blocking, forwarding] = await Promise.all([startProxy(pns.baseUrl, { websockets: 'refuse' }), startProxy(pns.baseUrl, { websockets: 'forward' })]);
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1180, height: 640 } });
    context.setDefaultTimeout(DEADLINE_MS);
  });
  afterEach(() => context?.close());
  afterAll(async () => {
    await browser?.close();
    await blocking?.close();
    await forwarding?.close();
    await pns?.close();
  });

  it('two tabs of one user: the badge rises on both, opening the list in one clears it on both', async () => {
    const user = newUser('demo');
    const ticket = await registerTicket(pns, user);
    // Already seen: the inbox's history.
    await postNotification(pns, user, { title: 'Welcome to your inbox', body: 'Notifications stay here until you have seen them.' });
    await postNotification(pns, user, { title: 'Invoice #2291 is ready', body: 'October, 3 projects, due in 14 days.' }, 'billing');
    await request(pns.baseUrl).post(`/api/users/${user}/notifications/seen`).set(auth).send({ all: true }).expect(200);

    const tabs = [await context.newPage(), await context.newPage()];
    for (const tab of tabs) {
      await tab.goto(`${pns.baseUrl}/demo?connectionId=${ticket}`);
      await waitForText(tab, '#status', 'live · WebSocket');
      await waitForCount(tab, '#items li', 2);
      expect(await tab.locator('#badge').isHidden()).toBe(true);
    }

    await postNotification(pns, user, { title: 'Your order #1042 has shipped', body: 'Arriving Thursday. Track it from your orders page.' }, 'orders');
    await postNotification(pns, user, { title: 'Dana mentioned you in “Q4 roadmap”', body: '@you can you review the rollout plan by Friday?' }, 'mentions');
    await postNotification(pns, user, 'Build #318 passed on main');
    await Promise.all(tabs.map((tab) => waitForText(tab, '#badge', '3')));
    expect(await tabs[1].title()).toBe('(3) pns demo inbox');

    // Background tabs get no animation frames, which clicks wait for.
    await tabs[0].bringToFront();
    await tabs[0].click('#bell');
    await waitForCount(tabs[0], '#items li', 5);
    await Promise.all(tabs.map((tab) => tab.locator('#badge').waitFor({ state: 'hidden' })));
    expect(await unseenCount(pns, user)).toBe(0);
    expect(await tabs[0].locator('#items li.fresh .title').allTextContents()).toEqual([
      'Build #318 passed on main',
      'Dana mentioned you in “Q4 roadmap”mentions',
      'Your order #1042 has shippedorders',
    ]);
    expect(await tabs[0].locator('#items li:not(.fresh) .title').allTextContents()).toEqual(['Invoice #2291 is readybilling', 'Welcome to your inbox']);
    // The other tab heard the changes: the new ones are in its list too, now seen.
    await waitForCount(tabs[1], '#items li', 5);

    await tabs[0].click('#webhook-button');
    const url = await waitForText(tabs[0], '#webhook-url', new RegExp(`^${PUBLIC_URL}/hooks/\\S{20,}$`));
    expect(await tabs[0].textContent('#curl')).toBe(`curl -X POST ${url} -H 'Content-Type: application/json' -d '{"message": "hello"}'`);

    // One more, left unseen: the badge and the button show it (test/demo.e2e-spec.ts takes docs/demo.png).
    await postNotification(pns, user, { title: 'Sam replied to your comment', body: '“Agreed, let’s ship it on Monday.”' }, 'mentions');
    await Promise.all(tabs.map((tab) => waitForText(tab, '#badge', '1')));
    expect(await tabs[0].textContent('#open')).toBe('Open 1 new');
  });

  it('behind a proxy that refuses WebSocket upgrades, the same client falls back to SSE for counts and requests', async () => {
    const user = newUser('sse');
    const ticket = await registerTicket(pns, user);
    await postNotification(pns, user, { title: 'before connecting' });
    const page = await loadClient(context, blocking.url);
    await startClient(page, { connectionId: ticket });

    await page.waitForFunction(() => window.recorded.counts.length > 0);
    expect(await page.evaluate(() => ({ transport: window.client.transport, opens: window.recorded.opens, count: window.client.count }))).toEqual({ transport: 'sse', opens: ['sse'], count: 1 });
    expect(blocking.requests).toContain('UPGRADE /subscribe');
    expect(blocking.refusedUpgrades).toBeGreaterThanOrEqual(1);
    expect(blocking.requests).toContain('GET /subscribe');

    await postNotification(pns, user, { title: 'over SSE' }, 'news');
    await page.waitForFunction(() => window.client.count === 2);
    const unseen = await page.evaluate(() => window.client.fetchUnseen());
    expect(unseen.map((item) => item.notification_data)).toEqual([{ title: 'over SSE' }, { title: 'before connecting' }]);
    expect(unseen[0].category).toBe('news');
    expect(blocking.requests).toContain('POST /subscribe/requests');
    await page.waitForFunction(() => window.client.count === 0);

    const seen = await page.evaluate((after) => window.client.fetchSeen(after, 1), unseen[1].create_date);
    expect(seen.map((item: Item) => item.notification_data)).toEqual([{ title: 'over SSE' }]);
    const webhook = await page.evaluate(() => window.client.requestWebhook());
    expect(webhook.url).toMatch(new RegExp(`^${PUBLIC_URL}/hooks/\\S{20,}$`));
    expect(await page.evaluate(() => window.client.fetchSeen('last tuesday').catch((error) => ({ name: error.name, code: error.code })))).toEqual({ name: 'PnsError', code: 'bad_request' });

    // A network failure: the client reconnects by itself, straight to SSE this time.
    const refused = blocking.refusedUpgrades;
    blocking.dropConnections();
    await page.waitForFunction(() => window.recorded.opens.length === 2);
    await postNotification(pns, user, { title: 'after the reconnection' });
    await page.waitForFunction(() => window.client.count === 1);
    expect(await page.evaluate(() => window.recorded.closes.map((close) => close.reconnecting))).toEqual([true]);
    expect(await page.evaluate(() => window.recorded.opens)).toEqual(['sse', 'sse']);
    expect(blocking.refusedUpgrades).toBe(refused);

    // The application drops the user: the stream ends with 4001 and the client stops.
    await request(pns.baseUrl).delete(`/api/users/${user}/connections`).set(auth).expect(200, { dropped: 1 });
    await page.waitForFunction(() => window.client.state === 'closed');
    expect(await page.evaluate(() => window.recorded.closes.at(-1))).toEqual({ code: 4001, reason: 'dropped by the application', reconnecting: false });

    // The demo page, unchanged, through the same proxy.
    const demo = await context.newPage();
    await demo.goto(`${blocking.url}/demo?connectionId=${ticket}`);
    await waitForText(demo, '#status', 'live · SSE');
    await waitForText(demo, '#badge', '1');
  });

  it('over WebSocket: answers matched by requestId, errors and timeouts reject, reconnects after a network failure, stops on a drop (4001)', async () => {
    const user = newUser('ws');
    const ticket = await registerTicket(pns, user);
    for (const n of [1, 2, 3]) await postNotification(pns, user, n);
    const page = await loadClient(context, forwarding.url);
    await startClient(page, { connectionId: ticket, reconnectDelayMs: { min: 50, max: MAX_RECONNECT_DELAY_MS } });
    await page.waitForFunction(() => window.client.count === 3);
    expect(await page.evaluate(() => window.client.transport)).toBe('websocket');

    const answers = await page.evaluate(() =>
      Promise.all([
        window.client.fetchUnseen(1),
        window.client.fetchUnseen(1),
        window.client.fetchSeen('2024-02-30T00:00:00Z').catch((error) => error.code),
        window.client.fetchUnseen(1),
      ]),
    );
    const taken = [answers[0], answers[1], answers[3]] as Item[][];
    expect(taken.map((items) => items.length)).toEqual([1, 1, 1]);
    expect(taken.flat().map((item) => item.notification_data).sort()).toEqual([1, 2, 3]);
    expect(answers[2]).toBe('bad_request');
    await page.waitForFunction(() => window.client.count === 0);

    // Waiting for a connection that is refused (an unknown ticket): the request times out.
    const refused = await page.evaluate(async () => {
      const errors: string[] = [];
      const client = window.createClient({ connectionId: 'no-such-ticket', transport: 'websocket', requestTimeoutMs: 400 });
      client.on('error', (error) => errors.push(error.code));
      const code = await client.fetchUnseen().catch((error) => error.code);
      client.close();
      return { code, errors: errors.length > 0 && errors.every((error) => error === 'connect_failed'), state: client.state };
    });
    expect(refused).toEqual({ code: 'timeout', errors: true, state: 'closed' });

    // A network failure: the client reconnects by itself, over WebSocket again, and hears the count.
    forwarding.dropConnections();
    await page.waitForFunction(() => window.recorded.opens.length === 2);
    await postNotification(pns, user, 4);
    await page.waitForFunction(() => window.client.count === 1);
    expect(await page.evaluate(() => window.recorded.opens)).toEqual(['websocket', 'websocket']);
    expect(await page.evaluate(() => window.recorded.closes)).toEqual([{ code: 1006, reason: 'the WebSocket closed abnormally', reconnecting: true }]);

    await request(pns.baseUrl).delete(`/api/users/${user}/connections`).set(auth).expect(200, { dropped: 1 });
    await page.waitForFunction(() => window.client.state === 'closed');
    // A second client on the same ticket, started once the longest reconnection delay has passed:
    // by the time it is open, a reconnection of the first would be too, and pns would drop both.
    await page.evaluate(
      ([connectionId, delayMs]) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            const control = window.createClient({ connectionId, transport: 'websocket' });
            control.on('open', () => resolve());
          }, delayMs),
        ),
      [ticket, MAX_RECONNECT_DELAY_MS] as const,
    );
    await request(pns.baseUrl).delete(`/api/users/${user}/connections`).set(auth).expect(200, { dropped: 1 });
    expect(await page.evaluate(() => ({ closes: window.recorded.closes.slice(1), opens: window.recorded.opens.length }))).toEqual({
      closes: [{ code: 4001, reason: 'dropped by the application', reconnecting: false }],
      opens: 2,
    });
    expect(await page.evaluate(() => window.client.fetchUnseen().catch((error) => error.code))).toBe('closed');

    // close() rejects what is still waiting for its answer.
    expect(
      await page.evaluate(async (connectionId) => {
        const client = window.createClient({ connectionId });
        await new Promise((resolve) => client.on('open', resolve));
        const pending = client.fetchUnseen().catch((error) => error.code);
        client.close();
        return pending;
      }, ticket),
    ).toBe('closed');
  });
});

/** A page of `origin` with the client's createClient on window, imported as pages do. */
async function loadClient(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/api/status/ping`);
  // A module script, not a dynamic import() in evaluate: jest compiles test code to CommonJS.
  await page.addScriptTag({ type: 'module', content: "import { createClient } from '/client.js'; window.createClient = createClient;" });
  await page.waitForFunction(() => typeof window.createClient === 'function');
  return page;
}

/** Creates window.client and records its events in window.recorded. */
async function startClient(page: Page, options: ClientOptions): Promise<void> {
  await page.evaluate((clientOptions) => {
    const recorded: Recorded = { counts: [], opens: [], closes: [], errors: [] };
    const client = window.createClient(clientOptions);
    client.on('count', (count) => recorded.counts.push(count));
    client.on('open', ({ transport }) => recorded.opens.push(transport));
    client.on('close', (close) => recorded.closes.push(close));
    client.on('error', (error) => recorded.errors.push(error.code));
    Object.assign(window, { client, recorded });
  }, options);
}

