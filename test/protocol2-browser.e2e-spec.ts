import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Change, createClient, PnsClient } from '../client/src/pns-client';
import { startApp, type RunningApp } from './support/app';
import { launchChromium, waitForCount, waitForText } from './support/browser-pages';
import { expectClientBuilt } from './support/build';
import { createTestDatabase } from './support/database';
import { postNotification, registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { startProxy, type HttpProxy } from './support/http-proxy';
import { countsOf, markVia } from './support/inbox-devices';

declare global {
  interface Window {
    createClient: typeof createClient;
    client: PnsClient;
    changes: Change[];
    resyncs: number[];
    countVersions: number[];
  }
}

/** Protocol 2 in Chromium: the demo inbox's read/archive and category badges across tabs, and resuming after the network came back. */
describe('protocol 2 in the browser (client/README.md)', () => {
  let pns: RunningApp;
  /** Forwards everything, and can take the network down. */
  let forwarding: HttpProxy;
  /** Refuses WebSocket upgrades: the client falls back to SSE. */
  let blocking: HttpProxy;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    await expectClientBuilt();
    [pns, browser] = await Promise.all([createTestDatabase().then((url) => startApp(url, { DEMO: 'true' })), launchChromium()]);
    [forwarding, blocking] = await Promise.all([startProxy(pns.baseUrl, { websockets: 'forward' }), startProxy(pns.baseUrl, { websockets: 'refuse' })]);
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1180, height: 640 } });
    context.setDefaultTimeout(5000);
  });
  afterEach(() => context?.close());
  afterAll(async () => {
    await browser?.close();
    await forwarding?.close();
    await blocking?.close();
    await pns?.close();
  });

  const item = (id: string) => `#items li[data-id="${id}"]`;
  const pill = (category: string) => `#categories .pill[data-category="${category}"] b`;

  it('two tabs: reading and archiving in one updates the other tab’s badges and list; a tab whose network dropped shows what it missed', async () => {
    const user = newUser('tabs');
    const ticket = await registerTicket(pns, user);
    const direct = await context.newPage();
    const proxied = await context.newPage();
    await direct.goto(`${pns.baseUrl}/demo?connectionId=${ticket}`);
    await proxied.goto(`${forwarding.url}/demo?connectionId=${ticket}`);
    for (const tab of [direct, proxied]) await waitForText(tab, '#status', 'live · WebSocket');

    const order = await postNotification(pns, user, { title: 'Your order has shipped' }, 'orders');
    const mention = await postNotification(pns, user, { title: 'Dana mentioned you' }, 'mentions');
    const invoice = await postNotification(pns, user, { title: 'Invoice ready' }, 'orders');
    for (const tab of [direct, proxied]) {
      await waitForCount(tab, '#items li.unread', 3);
      await waitForText(tab, '#unread', '3');
      await waitForText(tab, pill('orders'), '2');
      await waitForText(tab, '#badge', '3');
    }

    await direct.bringToFront();
    await direct.click(`${item(order)} button.toggle-read`);
    await waitForText(proxied, '#unread', '2');
    await waitForText(proxied, pill('orders'), '1');
    await proxied.locator(`${item(order)}.read`).waitFor();
    await waitForText(proxied, `${item(order)} button.toggle-read`, 'Mark unread');
    // Reading marks seen too.
    await waitForText(proxied, '#badge', '2');

    await proxied.bringToFront();
    await proxied.click(`${item(mention)} button.toggle-archive`);
    await direct.locator(item(mention)).waitFor({ state: 'hidden' });
    await direct.locator(pill('mentions')).waitFor({ state: 'detached' });
    await direct.check('#show-archived');
    await direct.locator(`${item(mention)}.archived`).waitFor();

    // The proxied tab loses its network; meanwhile its inbox changes elsewhere.
    forwarding.setDown(true);
    await waitForText(proxied, '#status', 'reconnecting…');
    const missed = await postNotification(pns, user, { title: 'Sent while you were away' }, 'orders');
    await markVia(pns, user, { set: 'read', ids: [invoice] }).expect(200);
    await markVia(pns, user, { set: 'unarchived', ids: [mention] }).expect(200);
    await waitForText(direct, '#unread', '2');
    forwarding.setDown(false);

    await waitForText(proxied, '#status', 'live · WebSocket');
    await proxied.locator(item(missed)).waitFor();
    await proxied.locator(`${item(invoice)}.read`).waitFor();
    await proxied.locator(`${item(mention)}:not(.archived)`).waitFor();
    const truth = await countsOf(pns, user);
    await waitForText(proxied, '#unread', String(truth.unread));
    await waitForText(proxied, pill('orders'), String(truth.categories.orders.unread));
    await waitForText(proxied, '#badge', String(truth.unseen));
    expect(await proxied.locator('#items li').count()).toBe(4);
  });

  it('over SSE the client resumes after its last version (lastEventId): the changes it missed, once and in order', async () => {
    const user = newUser('sse');
    const ticket = await registerTicket(pns, user);
    const page = await startClient(context, blocking.url, ticket);
    // Its first counts came: changes from now on are news.
    await page.waitForFunction(() => window.client.transport === 'sse' && window.countVersions.length > 0);
    await postNotification(pns, user, 'one', 'news');
    await page.waitForFunction(() => window.client.counts.version === 1);

    blocking.setDown(true);
    await page.waitForFunction(() => window.client.state === 'connecting');
    const ids = [await postNotification(pns, user, 'two'), await postNotification(pns, user, 'three', 'news')];
    await markVia(pns, user, { set: 'read', all: true }).expect(200);
    blocking.setDown(false);

    await page.waitForFunction(() => window.client.counts.version === 4);
    const seen = await page.evaluate(() => ({ changes: window.changes.map((change) => [change.version, change.type]), counts: window.client.counts, count: window.client.count, resyncs: window.resyncs }));
    expect(seen).toEqual({
      changes: [
        [1, 'created'],
        [2, 'created'],
        [3, 'created'],
        [4, 'read'],
      ],
      counts: await countsOf(pns, user),
      count: 0,
      resyncs: [],
    });
    expect(await page.evaluate(() => window.changes[1].items?.map((item) => item.id))).toEqual([ids[0]]);
    // Versions only rise, also across the reconnection.
    const versions = await page.evaluate(() => window.countVersions);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(versions[0]).toBe(0);

    // mark() from the page, over POST /subscribe/requests.
    expect(await page.evaluate(() => window.client.mark('unread', { filter: { category: 'news' } }))).toMatchObject({ updated: 2, counts: { version: 5, unread: 2 } });
    await page.waitForFunction(() => window.client.counts.unread === 2);
    expect(await page.evaluate(() => window.client.mark('read', []).catch((error) => error.code))).toBe('bad_request');
  });
});

/** A page of `origin` running the client with `ticket`, recording its changes and resyncs. */
async function startClient(context: BrowserContext, origin: string, connectionId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/api/status/ping`);
  await page.addScriptTag({ type: 'module', content: "import { createClient } from '/client.js'; window.createClient = createClient;" });
  await page.waitForFunction(() => typeof window.createClient === 'function');
  await page.evaluate((ticket) => {
    const client = window.createClient({ connectionId: ticket, reconnectDelayMs: { min: 50, max: 200 } });
    Object.assign(window, { client, changes: [], resyncs: [], countVersions: [] });
    client.on('change', (change) => window.changes.push(change));
    client.on('counts', ({ version }) => window.countVersions.push(version));
    client.on('resync', ({ version }) => window.resyncs.push(version));
  }, connectionId);
  return page;
}
