import { OutgoingFrame } from './outgoing-frame';

describe('OutgoingFrame', () => {
  it('makes the JSON once, however many connections send it', () => {
    const frame = new OutgoingFrame({ newNotificationCountChanged: 3 });
    expect(frame.json.toString('utf8')).toBe('{"newNotificationCountChanged":3}');
    expect(frame.json).toBe(frame.json);
  });

  it('names a frame by its key, also when a requestId follows it', () => {
    expect(new OutgoingFrame({ error: { code: 'bad_request', message: 'no' }, requestId: 7 }).entry).toEqual(['error', { code: 'bad_request', message: 'no' }]);
  });
});
