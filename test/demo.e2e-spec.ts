import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { expectClientBuilt } from './support/build';
import { createTestDatabase } from './support/database';
import { postNotification } from './support/devices';
import { newUser } from './support/factories';
import { FakeDelegate } from './support/fake-delegate';

/** Debian's chromium; CI installs it (.ci/run). Playwright's own browser download cannot work here. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PUBLIC_URL = 'https://pns.example.com';
const SCREENSHOT = 'docs/demo.png';
const WAIT_MS = 15_000;

/** A page that records everything a visitor would see go wrong: console errors, script errors, failed or refused requests. */
interface WatchedPage {
  page: Page;
  problems: string[];
  /** WebSocket connections the page opened. */
  websockets: string[];
}

describe('the demo inbox in Chromium, whoever opens it', () => {
  let alone: RunningApp;
  let delegated: RunningApp;
  let delegate: FakeDelegate;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: these tests need Debian's chromium (apt-get install -y chromium; .ci/run installs it)`);
    await expectClientBuilt();
    const [url, fakeDelegate] = await Promise.all([createTestDatabase(), FakeDelegate.start()]);
    delegate = fakeDelegate;
    [alone, delegated, browser] = await Promise.all([
      startApp(url, { DEMO: 'true', PUBLIC_URL }),
      startApp(url, { DEMO: 'true', PUBLIC_URL, AUTH_DELEGATE_URL: delegate.url }),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
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
    const { page, problems } = await open(`${alone.baseUrl}/demo`);
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
    const { page, problems, websockets } = await open(`${delegated.baseUrl}/demo`);
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
    await waitForItems(page, 2);

    await postNotification(delegated, user, { title: 'Your order #1042 has shipped', body: 'Arriving Thursday. Track it from your orders page.' }, 'orders');
    await postNotification(delegated, user, { title: 'Dana mentioned you in “Q4 roadmap”', body: '@you can you review the rollout plan by Friday?' }, 'mentions');
    await postNotification(delegated, user, 'Build #318 passed on main');
    await waitForText(page, '#badge', '3');
    await page.click('#bell');
    await waitForItems(page, 5);
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
    const { page, problems, websockets } = await open(`${delegated.baseUrl}/demo`);
    await waitForText(page, '#status', 'live · WebSocket');
    expect(await page.textContent('#who')).toBe(user);
    expect(websockets).toEqual([expect.stringMatching(/\/subscribe\?protocol=2$/)]);
    expect(delegate.lastRequest?.headers.cookie).toBe('session=s3cret');

    await postNotification(delegated, user, { title: 'For the signed-in user' });
    await waitForText(page, '#badge', '1');
    expect(problems).toEqual([]);
  });

  it('with an unknown ticket in its address: says so, and does not try to connect', async () => {
    const { page, problems, websockets } = await open(`${alone.baseUrl}/demo?connectionId=no-such-ticket`);
    await waitForText(page, '#problem', /unknown or expired connectionId/);
    expect(await page.textContent('#status')).toBe('not connected');
    expect(websockets).toEqual([]);
    expect(problems).toEqual([]);
  });

  async function open(url: string): Promise<WatchedPage> {
    const page = await context.newPage();
    const problems: string[] = [];
    const websockets: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`script: ${error.message}`));
    page.on('requestfailed', (failed) => problems.push(`failed: ${failed.url()} ${failed.failure()?.errorText ?? ''}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
    });
    page.on('websocket', (socket) => {
      websockets.push(socket.url());
      socket.on('socketerror', (error) => problems.push(`websocket: ${error}`));
    });
    await page.goto(url);
    return { page, problems, websockets };
  }
});

async function demoUser(page: Page): Promise<string> {
  const who = await waitForText(page, '#who', /^demo user demo-[0-9a-f]{12}$/);
  return who.slice('demo user '.length);
}

/** Waits until the element's text equals or matches `expected`; answers the text. */
async function waitForText(page: Page, selector: string, expected: string | RegExp): Promise<string> {
  const pattern = typeof expected === 'string' ? { source: `^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, flags: '' } : { source: expected.source, flags: expected.flags };
  try {
    await page.waitForFunction(([target, { source, flags }]) => new RegExp(source, flags).test(document.querySelector(target)?.textContent ?? ''), [selector, pattern] as const, {
      polling: 20,
      timeout: WAIT_MS,
    });
  } catch (error) {
    throw new Error(`${selector} never showed ${String(expected)}; it shows ${JSON.stringify(await page.textContent(selector))} (${(error as Error).message.split('\n')[0]})`);
  }
  return (await page.textContent(selector)) ?? '';
}

async function waitForItems(page: Page, count: number): Promise<void> {
  await page.waitForFunction((expected) => document.querySelectorAll('#items li').length === expected, count, { polling: 20, timeout: WAIT_MS });
}
