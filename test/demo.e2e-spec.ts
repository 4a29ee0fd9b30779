import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { launchChromium, openWatched, waitForCount, waitForText } from './support/browser-pages';
import { expectClientBuilt } from './support/build';
import { createTestDatabase } from './support/database';
import { postNotification } from './support/devices';
import { newUser } from './support/factories';
import { FakeDelegate } from './support/fake-delegate';

const PUBLIC_URL = 'https://pns.example.com';
const SCREENSHOT = 'docs/demo.png';
const WAIT_MS = 15_000;

describe('the demo inbox in Chromium, whoever opens it', () => {
  let alone: RunningApp;
  let delegated: RunningApp;
  let delegate: FakeDelegate;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    await expectClientBuilt();
    const [url, fakeDelegate] = await Promise.all([createTestDatabase(), FakeDelegate.start()]);
    delegate = fakeDelegate;
    [alone, delegated, browser] = await Promise.all([
      startApp(url, { DEMO: 'true', PUBLIC_URL }),
      startApp(url, { DEMO: 'true', PUBLIC_URL, AUTH_DELEGATE_URL: delegate.url }),
      launchChromium(),
    ]);
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1180, height: 640 } });
    context.setDefaultTimeout(WAIT_MS);
  });
  afterEach(() => context?.close());
  afterAll(async () => {
    await browser?.close();
    await alone?.close();
    await delegated?.close();
    await delegate?.close();
  });

  it('without AUTH_DELEGATE_URL: a demo user of its own, kept across a reload, whose badge rises on a POST', async () => {
    const { page, problems } = await openWatched(context, `${alone.baseUrl}/demo`);
    await waitForText(page, '#status', 'live · WebSocket');
    const user = await demoUser(page);
    expect(await page.textContent('#auth-note')).toMatch(/no AUTH_DELEGATE_URL is configured/);

    await postNotification(alone, user, { title: 'Hello, demo user' });
    await waitForText(page, '#badge', '1');

    await page.reload();
    await waitForText(page, '#status', 'live · WebSocket');
    expect(await demoUser(page)).toBe(user);
    await waitForText(page, '#badge', '1');
    expect(problems).toEqual([]);
  });

  it('with AUTH_DELEGATE_URL and no session of the application: a demo user, asking the application once, by the page', async () => {
    delegate.answerWith({ status: 401 });
    const asked = delegate.requests.length;
    const { page, problems, websockets } = await openWatched(context, `${delegated.baseUrl}/demo`);
    await waitForText(page, '#status', 'live · WebSocket');
    const user = await demoUser(page);
    expect(await page.textContent('#auth-note')).toMatch(/did not recognise this browser/);
    // The page's own request asked; its connection came with the demo user's ticket.
    expect(delegate.requests.length).toBe(asked + 1);
    expect(websockets).toEqual([expect.stringMatching(/\/subscribe\?connectionId=[\w-]{36}&protocol=2$/)]);

    // Already seen: the inbox's history.
    await postNotification(delegated, user, { title: 'Welcome to your inbox', body: 'Notifications stay here until you have seen them.' });
    await postNotification(delegated, user, { title: 'Invoice #2291 is ready', body: 'October, 3 projects, due in 14 days.' }, 'billing');
    await request(delegated.baseUrl).post(`/api/users/${user}/notifications/seen`).set(auth).send({ all: true }).expect(200);
    await page.reload();
    await waitForCount(page, '#items li', 2);

    await postNotification(delegated, user, { title: 'Your order #1042 has shipped', body: 'Arriving Thursday. Track it from your orders page.' }, 'orders');
    await postNotification(delegated, user, { title: 'Dana mentioned you in “Q4 roadmap”', body: '@you can you review the rollout plan by Friday?' }, 'mentions');
    await postNotification(delegated, user, 'Build #318 passed on main');
    await waitForText(page, '#badge', '3');
    await page.click('#bell');
    await waitForCount(page, '#items li', 5);
    await page.locator('#badge').waitFor({ state: 'hidden' });

    await page.click('#webhook-button');
    await waitForText(page, '#webhook-url', new RegExp(`^${PUBLIC_URL}/hooks/\\S{20,}$`));
    await postNotification(delegated, user, { title: 'Sam replied to your comment', body: '“Agreed, let’s ship it on Monday.”' }, 'mentions');
    await waitForText(page, '#badge', '1');
    expect(problems).toEqual([]);
    await mkdir('docs', { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });

  it("with AUTH_DELEGATE_URL and a session: the application's user, by the browser's cookies", async () => {
    const user = newUser('signed-in');
    delegate.accept(user);
    await context.addCookies([{ name: 'session', value: 's3cret', url: delegated.baseUrl }]);
    const { page, problems, websockets } = await openWatched(context, `${delegated.baseUrl}/demo`);
    await waitForText(page, '#status', 'live · WebSocket');
    expect(await page.textContent('#who')).toBe(user);
    expect(websockets).toEqual([expect.stringMatching(/\/subscribe\?protocol=2$/)]);
    expect(delegate.lastRequest?.headers.cookie).toBe('session=s3cret');

    await postNotification(delegated, user, { title: 'For the signed-in user' });
    await waitForText(page, '#badge', '1');
    expect(problems).toEqual([]);
  });

  it('with an unknown ticket in its address: says so, and does not try to connect', async () => {
    const { page, problems, websockets } = await openWatched(context, `${alone.baseUrl}/demo?connectionId=no-such-ticket`);
    await waitForText(page, '#problem', /unknown or expired connectionId/);
    expect(await page.textContent('#status')).toBe('not connected');
    expect(websockets).toEqual([]);
    expect(problems).toEqual([]);
  });

});

async function demoUser(page: Page): Promise<string> {
  const who = await waitForText(page, '#who', /^demo user demo-[0-9a-f]{12}$/);
  return who.slice('demo user '.length);
}


