import { InvalidInputError } from '../common/errors';
import { hookData } from './hook-body';

describe('hookData', () => {
  it.each([
    ['{"message": {"a": 1}}', { a: 1 }],
    ['{"message": "text"}', 'text'],
    ['{"message": null}', null],
    ['{"message": 1, "other": 2}', { message: 1, other: 2 }],
    ['{"Message": 1}', { Message: 1 }],
    ['{}', {}],
    ['"text"', 'text'],
    ['[{"message": 1}]', [{ message: 1 }]],
    ['0', 0],
    ['\uFEFF{"message": "after a byte order mark"}', 'after a byte order mark'],
  ])('reads %s', (body, data) => {
    expect(hookData(body)).toEqual(data);
  });

  it('keeps a __proto__ key as data, not as a prototype', () => {
    const data = hookData('{"__proto__": {"polluted": true}}') as object;
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.stringify(data)).toBe('{"__proto__":{"polluted":true}}');
  });

  it.each([[''], ['   '], ['{"message": '], ['message=hi']])('refuses %j as not JSON', (body) => {
    expect(() => hookData(body)).toThrow(InvalidInputError);
  });
});
