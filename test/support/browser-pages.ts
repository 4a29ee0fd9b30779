import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium; CI installs it (.ci/run). Playwright's own browser download cannot work here. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Waits poll on a timer: the default, animation frames, stalls in background tabs. */
const POLL_MS = 20;

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: these tests need Debian's chromium (apt-get install -y chromium; .ci/run installs it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Chromium with a profile in `userDataDir`: Playwright's other contexts are incognito ones,
 * where pushManager.subscribe() always fails ("permission denied"). `extraArgs` after ours.
 */
export function launchChromiumProfile(userDataDir: string, extraArgs: readonly string[] = []): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: these tests need Debian's chromium (apt-get install -y chromium; .ci/run installs it)`);
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Waits until the element's text equals or matches `expected`; answers the text. */
export async function waitForText(page: Page, selector: string, expected: string | RegExp): Promise<string> {
  const pattern = typeof expected === 'string' ? { source: `^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, flags: '' } : { source: expected.source, flags: expected.flags };
  try {
    await page.waitForFunction(
      ([target, { source, flags }]) => new RegExp(source, flags).test(document.querySelector(target)?.textContent ?? ''),
      [selector, pattern] as const,
      { polling: POLL_MS },
    );
  } catch (error) {
    throw new Error(`${selector} never showed ${String(expected)}; it shows ${JSON.stringify(await page.textContent(selector))} (${(error as Error).message.split('\n')[0]})`);
  }
  return (await page.textContent(selector)) ?? '';
}

/** Waits until `selector` matches exactly `count` elements. */
export async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  try {
    await page.waitForFunction(([target, expected]) => document.querySelectorAll(target).length === expected, [selector, count] as const, { polling: POLL_MS });
  } catch (error) {
    throw new Error(`${selector} never matched ${count} elements; it matches ${await page.locator(selector).count()} (${(error as Error).message.split('\n')[0]})`);
  }
}

/** A page that records what a visitor would see go wrong: console errors, script errors, failed or refused requests, WebSocket errors; and the WebSockets it opened. */
export async function openWatched(context: BrowserContext, url: string): Promise<{ page: Page; problems: string[]; websockets: string[] }> {
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
