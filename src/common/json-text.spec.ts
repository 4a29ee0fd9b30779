import { jsonTextProblem, MAX_JSON_DEPTH } from './json-text';

describe('jsonTextProblem', () => {
  it.each([
    ['a plain object', '{"a": [1, "x", {"b": null}]}'],
    ['a surrogate pair as escapes', '"\\ud83d\\ude00"'],
    ['a surrogate pair as UTF-8', '"😀"'],
    ['escaped backslashes before a u', '"\\\\u0000"'],
    ['an escaped quote', '"a\\"{{{{"'],
    ['brackets inside a string', JSON.stringify('['.repeat(1000))],
    [`nesting of exactly ${MAX_JSON_DEPTH}`, '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)],
    ['other escapes', '"\\n\\t\\u00e9\\u0001"'],
  ])('accepts %s', (_why, text) => {
    expect(jsonTextProblem(text)).toBeUndefined();
  });

  it.each([
    ['a NUL escape', '{"a": "x\\u0000"}', /NUL/],
    ['a lone high surrogate', '"\\ud800"', /surrogate/],
    ['a high surrogate at the end of a string', '"x\\udbff"', /surrogate/],
    ['a high surrogate before a non-surrogate escape', '"\\ud800\\u0041"', /surrogate/],
    ['a lone low surrogate', '"\\udc00x"', /surrogate/],
    ['a lone surrogate in a key', '{"\\uDFFF": 1}', /surrogate/],
    ['two high surrogates', '"\\ud800\\ud800"', /surrogate/],
    [`nesting of ${MAX_JSON_DEPTH + 1}`, '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1), /nested deeper/],
    ['10,000 levels of objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), /nested deeper/],
  ])('refuses %s', (_why, text, problem) => {
    expect(jsonTextProblem(text)).toMatch(problem);
  });
});
