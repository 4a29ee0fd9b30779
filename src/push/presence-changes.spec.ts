import { PresenceChanges } from './presence-changes';

describe('PresenceChanges', () => {
  it('records each connected user once, however many devices it opened', () => {
    const changes = new PresenceChanges();
    changes.connected('a');
    changes.connected('b');
    changes.connected('a');
    expect(changes.take()).toEqual({ departed: [], present: ['a', 'b'] });
  });

  it('records a user who left as departed, and not present', () => {
    const changes = new PresenceChanges();
    changes.connected('a');
    changes.disconnected('a');
    changes.disconnected('b');
    expect(changes.take()).toEqual({ departed: ['a', 'b'], present: [] });
  });

  it('records a user who left and came back as departed and then present', () => {
    const changes = new PresenceChanges();
    changes.disconnected('a');
    changes.connected('a');
    expect(changes.take()).toEqual({ departed: ['a'], present: ['a'] });
  });

  it('starts anew after each take', () => {
    const changes = new PresenceChanges();
    changes.connected('a');
    changes.take();
    expect(changes.size).toBe(0);
    changes.disconnected('b');
    expect(changes.take()).toEqual({ departed: ['b'], present: [] });
  });
});
