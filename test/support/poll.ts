/**
 * Re-evaluates `read` until `done` holds for its value, then returns that value; fails after
 * `timeoutMs` showing the last value seen. For conditions that no event announces (rows in a
 * table, a receiver's log).
 */
export async function pollUntil<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last saw ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
