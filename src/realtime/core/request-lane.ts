/**
 * One device's requests, answered one after another in the order they came (docs/protocol.md,
 * Heartbeats and limits). A device that sends a burst at once holds one database connection at
 * a time instead of a burst's worth, so the pool stays open to every other device and to the
 * API; at most `depth` wait their turn, and one past that is refused like one past the rate.
 */
export class RequestLane {
  private waiting = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly depth: number) {}

  /** Queues `answer` behind the device's earlier requests: undefined when `depth` already wait. */
  offer<T>(answer: () => Promise<T>): Promise<T> | undefined {
    if (this.waiting >= this.depth) return undefined;
    this.waiting += 1;
    const answered = this.tail.then(answer).finally(() => (this.waiting -= 1));
    // A failed answer surfaces through what is returned; the requests behind it are still answered.
    this.tail = answered.catch(() => undefined);
    return answered;
  }

  get idle(): boolean {
    return this.waiting === 0;
  }
}

/** A lane for each key (a user's SSE requests, which come on separate HTTP requests), kept only while busy. */
export class RequestLanes {
  private readonly lanes = new Map<string, RequestLane>();

  constructor(private readonly depth: number) {}

  offer<T>(key: string, answer: () => Promise<T>): Promise<T> | undefined {
    let lane = this.lanes.get(key);
    if (lane === undefined) this.lanes.set(key, (lane = new RequestLane(this.depth)));
    const answered = lane.offer(answer);
    return answered?.finally(() => {
      if (lane.idle && this.lanes.get(key) === lane) this.lanes.delete(key);
    });
  }

  get size(): number {
    return this.lanes.size;
  }
}
