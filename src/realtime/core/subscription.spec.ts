import { SubscriptionError, subscriptionOf } from './subscription';

describe('subscriptionOf', () => {
  it('is protocol 1 unless protocol=2 is asked for', () => {
    expect(subscriptionOf('/subscribe?connectionId=t')).toEqual({ protocol: 1 });
    expect(subscriptionOf('/subscribe?protocol=1')).toEqual({ protocol: 1 });
    expect(subscriptionOf(undefined)).toEqual({ protocol: 1 });
  });

  it('reads protocol 2 with an optional since, and a resumed id before since', () => {
    expect(subscriptionOf('/subscribe?protocol=2')).toEqual({ protocol: 2 });
    expect(subscriptionOf('/subscribe?protocol=2&since=0')).toEqual({ protocol: 2, since: 0 });
    expect(subscriptionOf('/subscribe?since=17&protocol=2')).toEqual({ protocol: 2, since: 17 });
    expect(subscriptionOf('/subscribe?protocol=2&since=3', '41')).toEqual({ protocol: 2, since: 41 });
    // Protocol 1 numbers its SSE events itself: its Last-Event-ID is no version.
    expect(subscriptionOf('/subscribe', '41')).toEqual({ protocol: 1 });
  });

  it.each([
    ['/subscribe?protocol=3', undefined],
    ['/subscribe?protocol=', undefined],
    ['/subscribe?protocol=two', undefined],
    ['/subscribe?since=3', undefined],
    ['/subscribe?protocol=1&since=3', undefined],
    ['/subscribe?protocol=2&since=-1', undefined],
    ['/subscribe?protocol=2&since=1.5', undefined],
    ['/subscribe?protocol=2&since=', undefined],
    ['/subscribe?protocol=2&since=abc', undefined],
    ['/subscribe?protocol=2&since=' + '9'.repeat(16), undefined],
    ['/subscribe?protocol=2', 'x'],
  ])('refuses %s (resuming after %s)', (url, resumeAfter) => {
    expect(() => subscriptionOf(url, resumeAfter)).toThrow(SubscriptionError);
  });
});
