import { RequestLane, RequestLanes } from './request-lane';

/** An answer the test finishes when it likes, recording when it started. */
function held(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<string>((resolve) => (finish = () => resolve(name)));
  return { answer: () => (started.push(name), done), finish };
}

describe('RequestLane', () => {
  it('starts each answer only once the one before it is done, and refuses past its depth', async () => {
    const started: string[] = [];
    const lane = new RequestLane(2);
    const first = held(started, 'first');
    const second = held(started, 'second');
    const answers = [lane.offer(first.answer), lane.offer(second.answer)];
    expect(lane.offer(held(started, 'third').answer)).toBeUndefined();
    await Promise.resolve();
    expect(started).toEqual(['first']);
    first.finish();
    await expect(answers[0]).resolves.toBe('first');
    expect(started).toEqual(['first', 'second']);
    second.finish();
    await expect(answers[1]).resolves.toBe('second');
    expect(lane.idle).toBe(true);
  });

  it('goes on after an answer that fails', async () => {
    const lane = new RequestLane(2);
    const failed = lane.offer(() => Promise.reject(new Error('broken')));
    const next = lane.offer(() => Promise.resolve('next'));
    await expect(failed).rejects.toThrow('broken');
    await expect(next).resolves.toBe('next');
  });
});

describe('RequestLanes', () => {
  it('keeps one lane per key while it is busy, and none once all is answered', async () => {
    const started: string[] = [];
    const lanes = new RequestLanes(5);
    const a1 = held(started, 'a1');
    const b1 = held(started, 'b1');
    const answers = [lanes.offer('a', a1.answer), lanes.offer('a', held(started, 'a2').answer), lanes.offer('b', b1.answer)];
    await Promise.resolve();
    expect(started).toEqual(['a1', 'b1']);
    expect(lanes.size).toBe(2);
    b1.finish();
    await answers[2];
    expect(lanes.size).toBe(1);
    a1.finish();
    await answers[0];
    expect(started).toEqual(['a1', 'b1', 'a2']);
  });
});
