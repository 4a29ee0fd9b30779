/**
 * Hands gathered items over in one call at most once every `spacingMs`: the first item after a
 * quiet spell goes on the next tick, alone, so a lone caller waits for nothing; items that come
 * faster wait out the rest of the spacing and go together. Built for reconnect storms, where
 * thousands of devices arrive a few each millisecond and a read per few devices would be
 * thousands of round trips (docs/performance.md, Connections).
 */
export class PacedBatches<T> {
  private items: T[] = [];
  private scheduled = false;
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly spacingMs: number,
    private readonly run: (items: T[]) => void,
  ) {}

  add(item: T): void {
    if (this.stopped) return;
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastRunAt + this.spacingMs - performance.now();
    if (wait <= 0) setImmediate(() => this.fire());
    else this.timer = setTimeout(() => this.fire(), wait);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private fire(): void {
    this.scheduled = false;
    if (this.stopped) return;
    this.lastRunAt = performance.now();
    const items = this.items;
    this.items = [];
    this.run(items);
  }
}
