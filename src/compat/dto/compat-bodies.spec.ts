import { InvalidInputError } from '../../common/errors';
import { dropAccessIdOf, eventEntriesOf, MAX_EVENTS, messageOf } from './compat-bodies';

describe('the earlier servers\' bodies', () => {
  describe('messageOf', () => {
    it.each([[{ a: 1 }], ['text'], [null], [0], [false], [[1, 2]]])('takes any JSON message: %j', (message) => {
      expect(messageOf({ message })).toEqual(message);
    });

    it.each([[{}], [[{ message: 1 }]], ['message'], [undefined], [null]])('refuses %j', (body) => {
      expect(() => messageOf(body)).toThrow(InvalidInputError);
    });
  });

  describe('eventEntriesOf', () => {
    it('maps each event to its user and data, in order, and ignores created_at and unknown keys', () => {
      expect(
        eventEntriesOf([
          { accessid: 'client1', created_at: 10, payload: 'client1 message' },
          { accessid: 'client2', created_at: 0, payload: null, extra: true },
        ]),
      ).toEqual([
        { userId: 'client1', data: 'client1 message' },
        { userId: 'client2', data: null },
      ]);
    });

    it.each([
      ['not an array', { accessid: 'a', created_at: 1, payload: 1 }, 'array'],
      ['an event that is null', [null], 'events[0]'],
      ['an accessid that is not a string', [{ accessid: 7, created_at: 1, payload: 1 }], 'events[0].accessid'],
      ['created_at null', [{ accessid: 'a', created_at: null, payload: 1 }], 'events[0].created_at'],
      ['created_at past the Date range', [{ accessid: 'a', created_at: 8.64e15 + 1, payload: 1 }], 'events[0].created_at'],
      ['no payload in the second event', [{ accessid: 'a', created_at: 1, payload: 1 }, { accessid: 'a', created_at: 1 }], 'events[1].payload'],
    ])('refuses %s, naming the place', (_case, body, place) => {
      expect(() => eventEntriesOf(body)).toThrow(InvalidInputError);
      expect(() => eventEntriesOf(body)).toThrow(place);
    });

    it(`refuses more than ${MAX_EVENTS} events`, () => {
      const events = Array.from({ length: MAX_EVENTS + 1 }, () => ({ accessid: 'a', created_at: 1, payload: 1 }));
      expect(() => eventEntriesOf(events)).toThrow(`at most ${MAX_EVENTS}`);
      expect(eventEntriesOf(events.slice(1))).toHaveLength(MAX_EVENTS);
    });
  });

  describe('dropAccessIdOf', () => {
    it('takes a user id', () => {
      expect(dropAccessIdOf({ drop_access_id: 'client1' })).toBe('client1');
    });

    it.each([[{}], [{ drop_access_id: 1 }], [{ drop_access_id: 'a\tb' }], [['client1']]])('refuses %j', (body) => {
      expect(() => dropAccessIdOf(body)).toThrow(InvalidInputError);
    });
  });
});
