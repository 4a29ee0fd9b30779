/**
 * What PostgreSQL can hold exactly. Its text and jsonb refuse the NUL character, and a string
 * holding half of a UTF-16 surrogate pair (valid in JSON and JavaScript, not in UTF-8) would be
 * stored as U+FFFD: three different user ids made of lone surrogates would become one user.
 * Every string pns stores or looks up by is checked by this rule, so none is ever changed.
 */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\0');
}

export const STORABLE_TEXT_RULE = 'no NUL character (\\u0000) and no unpaired UTF-16 surrogate (\\ud800-\\udfff)';
