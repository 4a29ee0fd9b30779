import type { IncomingMessage } from 'node:http';
import { resumedEventId } from './last-event-id';

const requestWith = (url: string, lastEventId?: string) => ({ url, headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId } }) as IncomingMessage;

describe('resumedEventId', () => {
  it('continues from the Last-Event-ID header, which wins over the query', () => {
    expect(resumedEventId(requestWith('/subscribe', '17'))).toBe(17);
    expect(resumedEventId(requestWith('/subscribe?lastEventId=5', ' 17 '))).toBe(17);
  });

  it('continues from ?lastEventId= without the header', () => {
    expect(resumedEventId(requestWith('/subscribe?connectionId=t&lastEventId=5'))).toBe(5);
  });

  it.each([undefined, '', 'abc', '-1', '1.5', '1e3', '0x10', '9'.repeat(16)])('starts over at 0 after %j', (value) => {
    expect(resumedEventId(requestWith('/subscribe', value))).toBe(0);
    expect(resumedEventId(requestWith(`/subscribe?lastEventId=${encodeURIComponent(value ?? '')}`))).toBe(0);
  });
});
