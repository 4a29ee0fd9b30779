/** Each interval is cut into this many slices, and each member visited in its own slice. */
const SLICES = 20;

/**
 * Visits every member once per interval, spread over the interval rather than in one loop: at
 * 10,000 devices one loop of pings, and the burst of pongs it brought back, held the event loop
 * for about half a second each interval, and every count frame and request of that moment
 * waited behind it (docs/performance.md, push latency).
 */
export class Rounds<T> {
  private readonly slices: Set<T>[] = Array.from({ length: SLICES }, () => new Set());
  private readonly sliceOf = new Map<T, Set<T>>();
  private nextSliceForMember = 0;
  private currentSlice = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly visit: (member: T) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs / SLICES);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  add(member: T): void {
    const slice = this.slices[this.nextSliceForMember];
    this.nextSliceForMember = (this.nextSliceForMember + 1) % SLICES;
    slice.add(member);
    this.sliceOf.set(member, slice);
  }

  delete(member: T): void {
    this.sliceOf.get(member)?.delete(member);
    this.sliceOf.delete(member);
  }

  private tick(): void {
    const slice = this.slices[this.currentSlice];
    this.currentSlice = (this.currentSlice + 1) % SLICES;
    // A visit may delete its member: a Set's iteration allows that.
    for (const member of slice) this.visit(member);
  }
}
