export interface BatcherOptions<I> {
  /** Batches running at once; while they run, new submissions gather into the next one. */
  readonly maxInFlight: number;
  /** The most weight (e.g. rows) one batch takes; a single heavier item still goes alone. */
  readonly maxWeight: number;
  readonly weight: (item: I) => number;
  /**
   * Errors that one item may cause for the whole batch (bad data failing a shared statement):
   * a batch failing so is run again item by item, so one submitter's bad input fails only its
   * own submission.
   */
  readonly retryAloneOn?: (error: unknown) => boolean;
  /**
   * Batches start at least this far apart (default 0): under a steady trickle, such as devices
   * reconnecting a few each millisecond, batches would otherwise hold a few items each.
   */
  readonly minSpacingMs?: number;
}

interface Pending<I, O> {
  readonly item: I;
  resolve(output: O): void;
  reject(error: unknown): void;
}

/**
 * Runs concurrent submissions together: what arrives within one tick, or while `maxInFlight`
 * batches are running, goes into one call of `run`, which answers one output per item in
 * order. Each submitter gets its own output, or the batch's error (its own, when the batch's
 * failure may be one item's: see `retryAloneOn`). Under no load a submission
 * runs on the next tick, alone; under load batches grow, and the cost per item falls.
 */
export class Batcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private lastStartedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions<I>,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    const start = () => {
      this.scheduled = false;
      this.flush();
    };
    const wait = this.lastStartedAt + (this.options.minSpacingMs ?? 0) - performance.now();
    if (wait > 0) setTimeout(start, wait);
    else setImmediate(start);
  }

  private flush(): void {
    const batch = this.take();
    if (batch.length === 0) return;
    this.inFlight += 1;
    this.lastStartedAt = performance.now();
    this.run(batch.map((pending) => pending.item))
      .then(
        (outputs) => batch.forEach((pending, index) => pending.resolve(outputs[index])),
        (error: unknown) => {
          if (batch.length > 1 && this.options.retryAloneOn?.(error)) return this.runEachAlone(batch);
          batch.forEach((pending) => pending.reject(error));
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    this.schedule();
  }

  private async runEachAlone(batch: Pending<I, O>[]): Promise<void> {
    await Promise.all(
      batch.map((pending) =>
        this.run([pending.item]).then(
          ([output]) => pending.resolve(output),
          (error: unknown) => pending.reject(error),
        ),
      ),
    );
  }

  private take(): Pending<I, O>[] {
    let weight = 0;
    let count = 0;
    while (count < this.queue.length) {
      const next = this.options.weight(this.queue[count].item);
      if (count > 0 && weight + next > this.options.maxWeight) break;
      weight += next;
      count += 1;
    }
    const batch = this.queue.slice(0, count);
    this.queue = this.queue.slice(count);
    return batch;
  }
}
