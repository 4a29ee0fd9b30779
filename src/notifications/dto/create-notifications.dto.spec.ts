import { InvalidInputError } from '../../common/errors.js';
import { toNewNotifications } from './create-notifications.dto.js';

const refusal = (body: unknown, header?: string): string => {
  try {
    toNewNotifications(body, header);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
};

describe('toNewNotifications (the body of POST /api/notifications)', () => {
  it('takes every field', () => {
    const body = {
      userIds: ['u1', 'u2'],
      data: { title: 'x' },
      category: 'orders',
      idempotencyKey: 'k1',
      push: 'always',
      pushDisplay: { title: 'T' },
      key: 'build-1',
      renotify: false,
      expiresAt: '2030-01-02T03:04:05Z',
      ttl: '2h',
    };
    expect(toNewNotifications(body, undefined)).toEqual(body);
  });

  it('keeps data exactly as posted, keys named like Object members and null included', () => {
    const data = JSON.parse('{"__proto__": {"a": 1}, "constructor": "c", "toString": "t", "prototype": [null]}');
    expect(toNewNotifications({ userId: 'u1', data }, undefined).data).toBe(data);
    expect(toNewNotifications({ userId: 'u1', data: null }, undefined).data).toBeNull();
  });

  it.each([
    ['a string', '"x"', 'the body must be a JSON object'],
    ['an array', [{ userId: 'u1', data: 1 }], 'the body must be a JSON object'],
    ['null', null, 'the body must be a JSON object'],
    ['no data', { userId: 'u1' }, 'data is required (any JSON value, null included)'],
    ['userId null', { userId: null, data: 1 }, 'userId must be a string'],
    ['userIds not an array', { userIds: 'u1', data: 1 }, 'userIds must be an array of strings'],
    ['a number in userIds', { userIds: ['u1', 2], data: 1 }, 'userIds must be an array of strings'],
    ['category a number', { userId: 'u1', data: 1, category: 7 }, 'category must be a string'],
    ['idempotencyKey null', { userId: 'u1', data: 1, idempotencyKey: null }, 'idempotencyKey must be a string'],
    ['push a boolean', { userId: 'u1', data: 1, push: true }, 'push must be a string'],
    ['pushDisplay an array', { userId: 'u1', data: 1, pushDisplay: ['T'] }, 'pushDisplay must be an object'],
    ['key a number', { userId: 'u1', data: 1, key: 1 }, 'key must be a string'],
    ['renotify a string', { userId: 'u1', data: 1, renotify: 'no' }, 'renotify must be a boolean value'],
    ['expiresAt not ISO-8601', { userId: 'u1', data: 1, expiresAt: 'tomorrow' }, 'expiresAt must be an ISO-8601 date-time'],
    ['ttl a number', { userId: 'u1', data: 1, ttl: 60 }, 'ttl must be a string'],
    ['an unknown field', { userId: 'u1', data: 1, priority: 'high' }, 'property priority should not exist'],
    ['a __proto__ field', JSON.parse('{"userId": "u1", "data": 1, "__proto__": {"x": 1}}'), 'property __proto__ should not exist'],
  ])('refuses %s', (_why, body, message) => {
    expect(refusal(body)).toBe(message);
  });

  it('names every problem at once', () => {
    expect(refusal({ userId: 1, category: 2, extra: 3 })).toBe('userId must be a string; category must be a string; property extra should not exist; data is required (any JSON value, null included)');
  });

  it('takes the Idempotency-Key header, and refuses one that contradicts the body', () => {
    expect(toNewNotifications({ userId: 'u1', data: 1 }, 'h1').idempotencyKey).toBe('h1');
    expect(toNewNotifications({ userId: 'u1', data: 1, idempotencyKey: 'h1' }, 'h1').idempotencyKey).toBe('h1');
    expect(refusal({ userId: 'u1', data: 1, idempotencyKey: 'a' }, 'b')).toBe('the Idempotency-Key header and idempotencyKey in the body differ');
  });

  it('wants exactly one of userId and userIds', () => {
    expect(refusal({ data: 1 })).toBe('give exactly one of userId or userIds');
    expect(refusal({ userId: 'u1', userIds: ['u1'], data: 1 })).toBe('give exactly one of userId or userIds, not both');
  });
});
