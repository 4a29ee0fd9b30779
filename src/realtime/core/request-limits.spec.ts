import { rateLimitedFrame, RequestLimiter } from './request-limits';

describe('RequestLimiter', () => {
  it('answers a burst, refuses past it, closes after another burst of refusals, and refills with time', () => {
    let now = 0;
    const limiter = new RequestLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect(Array.from({ length: 3 }, () => limiter.take())).toEqual(['answer', 'answer', 'answer']);
    expect(Array.from({ length: 3 }, () => limiter.take())).toEqual(['refuse', 'refuse', 'refuse']);
    now += 500;
    expect(limiter.take()).toBe('answer');
    expect(Array.from({ length: 4 }, () => limiter.take())).toEqual(['refuse', 'refuse', 'refuse', 'close']);
  });

  it('echoes the requestId of the refused frame when it has one', () => {
    const rate = { perSecond: 1, burst: 1 };
    expect(rateLimitedFrame('{"webhookRequest": {}, "requestId": "r7"}', rate)).toEqual({ error: { code: 'rate_limited', message: expect.any(String) }, requestId: 'r7' });
    expect(rateLimitedFrame('not json', rate)).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
  });
});
