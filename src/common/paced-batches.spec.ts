import { PacedBatches } from './paced-batches';

describe('PacedBatches', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function recording(spacingMs: number) {
    const calls: number[][] = [];
    return { calls, batches: new PacedBatches<number>(spacingMs, (items) => calls.push(items)) };
  }

  it('hands a lone item over on the next tick', () => {
    const { calls, batches } = recording(25);
    batches.add(1);
    expect(calls).toEqual([]);
    jest.runOnlyPendingTimers();
    expect(calls).toEqual([[1]]);
  });

  it('gathers the items that come within the spacing after a call into the next one', () => {
    const { calls, batches } = recording(25);
    batches.add(1);
    jest.runOnlyPendingTimers();
    batches.add(2);
    jest.advanceTimersByTime(10);
    batches.add(3);
    expect(calls).toEqual([[1]]);
    jest.advanceTimersByTime(15);
    expect(calls).toEqual([[1], [2, 3]]);
  });

  it('hands nothing over once stopped', () => {
    const { calls, batches } = recording(25);
    batches.add(1);
    batches.stop();
    batches.add(2);
    jest.runAllTimers();
    expect(calls).toEqual([]);
  });
});
