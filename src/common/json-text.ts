import { STORABLE_TEXT_RULE } from './storable-text.js';

/**
 * How deep a JSON document may nest (docs/api.md, Limits). Parsing, validating and serialising
 * recurse once per level: a 10 KB body of brackets would otherwise exhaust the stack.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LETTER_U = 0x75;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * What makes JSON text one pns refuses before parsing it, or undefined: nesting past
 * MAX_JSON_DEPTH, or a string escape (`\u0000`, an unpaired `\ud800`-`\udfff`) that PostgreSQL
 * cannot store exactly (storable-text.ts). One pass, no recursion, so any input is safe to
 * check. Raw UTF-8 cannot carry those characters, only escapes can; and any other syntax
 * error is left to JSON.parse. Takes the text, or bytes read as latin1 (every character this
 * looks at is ASCII).
 */
export function jsonTextProblem(text: string): string | undefined {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === QUOTE) inString = false;
      else if (code === BACKSLASH) {
        if (text.charCodeAt(index + 1) !== LETTER_U) {
          index += 1;
          continue;
        }
        const unit = escapedUnit(text, index);
        if (unit === 0) return `strings must have ${STORABLE_TEXT_RULE}`;
        if (unit >= 0xd800 && unit <= 0xdbff) {
          const low = text.charCodeAt(index + 6) === BACKSLASH && text.charCodeAt(index + 7) === LETTER_U ? escapedUnit(text, index + 6) : NaN;
          if (!(low >= 0xdc00 && low <= 0xdfff)) return `strings must have ${STORABLE_TEXT_RULE}`;
          index += 11;
        } else if (unit >= 0xdc00 && unit <= 0xdfff) {
          return `strings must have ${STORABLE_TEXT_RULE}`;
        } else {
          index += 5;
        }
      }
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) return `JSON nested deeper than ${MAX_JSON_DEPTH} levels`;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return undefined;
}

/** The UTF-16 unit of the `\uXXXX` escape at `index`; NaN when it is not one (JSON.parse then refuses the text). */
function escapedUnit(text: string, index: number): number {
  const hex = text.slice(index + 2, index + 6);
  return /^[0-9a-fA-F]{4}$/.test(hex) ? Number.parseInt(hex, 16) : NaN;
}
