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
