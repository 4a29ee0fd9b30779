import { retryDelayMs } from '../push-worker.js';
import { toFcmData } from './fcm.sender.js';
import { outcomeOfStatus, parseRetryAfter } from './send-outcome.js';

describe('push outcomes', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('retries 429 and 5xx, drops other refusals', () => {
    expect(outcomeOfStatus(201, undefined)).toEqual({ result: 'sent' });
    expect(outcomeOfStatus(429, '3')).toEqual({ result: 'retry', retryAfterMs: 3000, reason: 'HTTP 429' });
    expect(outcomeOfStatus(503, undefined)).toEqual({ result: 'retry', retryAfterMs: undefined, reason: 'HTTP 503' });
    expect(outcomeOfStatus(400, undefined)).toEqual({ result: 'failed', reason: 'HTTP 400' });
  });

  it('waits as long as Retry-After asks (up to an hour), else backs off exponentially from 5 s', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, undefined))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(12, undefined)).toBe(3_600_000);
    expect(retryDelayMs(1, 2_000)).toBe(2_000);
    expect(retryDelayMs(1, 86_400_000)).toBe(3_600_000);
  });

  it('gives FCM strings only', () => {
    expect(toFcmData({ type: 'notification', id: '7', data: { a: [1] }, category: null, version: 3, display: { title: 't' } })).toEqual({
      type: 'notification',
      id: '7',
      data: '{"a":[1]}',
      version: '3',
      display: '{"title":"t"}',
    });
  });
});
