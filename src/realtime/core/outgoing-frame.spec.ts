import { OutgoingFrame } from './outgoing-frame';

describe('OutgoingFrame', () => {
  it('makes the JSON once, however many connections send it', () => {
    const frame = new OutgoingFrame({ newNotificationCountChanged: 3, version: 17 });
    expect(frame.json.toString('utf8')).toBe('{"newNotificationCountChanged":3,"version":17}');
    expect(frame.json).toBe(frame.json);
  });

  it('names a frame by its key, also when a requestId follows it', () => {
    expect(new OutgoingFrame({ error: { code: 'bad_request', message: 'no' }, requestId: 7 }).entry).toEqual(['error', { code: 'bad_request', message: 'no' }]);
  });

  it('writes protocol 1 count events over SSE with the count alone, protocol 2 events with their version', () => {
    expect(new OutgoingFrame({ newNotificationCountChanged: 3, version: 17 }).sseEvent).toEqual({ name: 'newNotificationCountChanged', data: 3 });
    const counts = { version: 9, unseen: 1, unread: 2, total: 3, categories: { news: { unseen: 1, unread: 1, total: 1 } } };
    expect(new OutgoingFrame({ counts }).sseEvent).toEqual({ name: 'counts', data: counts, version: 9 });
    const change = { version: 8, type: 'read' as const, at: '2026-12-01T00:00:00.000Z', ids: ['1'] };
    expect(new OutgoingFrame({ change }).sseEvent).toEqual({ name: 'change', data: change, version: 8 });
    expect(new OutgoingFrame({ resync: { version: 12 } }).sseEvent).toEqual({ name: 'resync', data: { version: 12 }, version: 12 });
  });
});
