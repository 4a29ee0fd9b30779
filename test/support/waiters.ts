/**
 * How long a test waits for something that should happen at once. Generous on purpose: the
 * tests run on a loaded 2-core machine, and a deadline is only reached when the test fails.
 */
export const DEADLINE_MS = 15_000;

/** How often `eventually` looks again: a poll, not a wait for time to pass. */
const POLL_MS = 10;

/**
 * Waits on a test client's state: `until` resolves once `condition` holds (checked now and on
 * every `wake`), or rejects after `timeoutMs` saying what it waited for and what it saw.
 */
export class Waiters {
  private readonly waiting = new Set<() => void>();

  constructor(private readonly seen: () => string) {}

  until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiting.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.seen()}`));
      }, timeoutMs);
      this.waiting.add(check);
    });
  }

  wake(): void {
    for (const check of [...this.waiting]) check();
  }
}

/**
 * Reads `read` until `accept` holds for what it answers, and returns that: for state a test can
 * only poll (a database row, a metric, an HTTP answer). Rejects after `timeoutMs` with `what`
 * and the last value read.
 */
export async function pollUntil<T>(read: () => T | Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last read: ${shown(value)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Polls `condition` until it holds; rejects after `timeoutMs` naming `what`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = DEADLINE_MS): Promise<void> {
  await pollUntil(condition, (holds) => holds, what, timeoutMs);
}

/**
 * Waits until the clock has passed `instant` (by at least one millisecond), so that what is
 * created next gets a later timestamp at millisecond precision. `now` reads the clock that
 * stamps the rows (the database's, when it is not this machine's).
 */
export async function clockPasses(instant: Date, now: () => Date | Promise<Date> = () => new Date()): Promise<void> {
  await pollUntil(now, (time) => time.getTime() > instant.getTime(), `the clock to pass ${instant.toISOString()}`);
}

function shown(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? String(value);
  } catch {
    return String(value);
  }
}
