import { Batcher } from './batcher';

const tick = () => new Promise((resolve) => setImmediate(resolve));
async function until(condition: () => boolean): Promise<void> {
  for (let ticks = 0; !condition(); ticks += 1) {
    if (ticks > 100) throw new Error('condition never held');
    await tick();
  }
}

describe('Batcher', () => {
  function recording(maxInFlight = 1, maxWeight = 100) {
    const calls: number[][] = [];
    const releases: (() => void)[] = [];
    const batcher = new Batcher<number, string>(
      async (items) => {
        calls.push(items);
        await new Promise<void>((release) => releases.push(release));
        if (items.includes(-1)) throw new Error('batch failed');
        return items.map((item) => `out ${item}`);
      },
      { maxInFlight, maxWeight, weight: (item) => Math.max(1, item) },
    );
    return { batcher, calls, releaseAll: () => releases.splice(0).forEach((release) => release()) };
  }

  it('runs what arrives in one tick as one batch, answering each its own output', async () => {
    const { batcher, calls, releaseAll } = recording();
    const outputs = Promise.all([1, 2, 3].map((item) => batcher.submit(item)));
    await tick();
    releaseAll();
    expect(await outputs).toEqual(['out 1', 'out 2', 'out 3']);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('gathers what arrives while a batch runs into the next one', async () => {
    const { batcher, calls, releaseAll } = recording(1);
    const first = batcher.submit(1);
    await tick();
    const later = [2, 3, 4].map((item) => batcher.submit(item));
    await tick();
    expect(calls).toEqual([[1]]);
    releaseAll();
    await first;
    await until(() => calls.length === 2);
    releaseAll();
    expect(await Promise.all(later)).toEqual(['out 2', 'out 3', 'out 4']);
    expect(calls).toEqual([[1], [2, 3, 4]]);
  });

  it('splits by weight, but never leaves a heavy item behind', async () => {
    const { batcher, calls, releaseAll } = recording(3, 10);
    const outputs = Promise.all([6, 6, 30, 1].map((item) => batcher.submit(item)));
    for (let i = 0; i < 4; i += 1) {
      await tick();
      releaseAll();
    }
    await outputs;
    expect(calls).toEqual([[6], [6], [30], [1]]);
  });

  it('rejects every submitter of a failed batch, and goes on with the next', async () => {
    const { batcher, releaseAll } = recording();
    const failed = [batcher.submit(-1), batcher.submit(2)];
    await tick();
    releaseAll();
    await expect(failed[0]).rejects.toThrow('batch failed');
    await expect(failed[1]).rejects.toThrow('batch failed');
    const next = batcher.submit(5);
    await tick();
    releaseAll();
    expect(await next).toBe('out 5');
  });

  it('runs each item of a batch alone again when its error may be one item\'s, so only that one fails', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher<number, string>(
      async (items) => {
        calls.push(items);
        if (items.includes(-1)) throw new Error('bad item');
        return items.map((item) => `out ${item}`);
      },
      { maxInFlight: 1, maxWeight: 100, weight: () => 1, retryAloneOn: (error) => (error as Error).message === 'bad item' },
    );
    const outcomes = await Promise.allSettled([1, -1, 2].map((item) => batcher.submit(item)));
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'out 1' },
      { status: 'rejected', reason: new Error('bad item') },
      { status: 'fulfilled', value: 'out 2' },
    ]);
    expect(calls).toEqual([[1, -1, 2], [1], [-1], [2]]);
  });
});
