import { InvalidInputError } from '../common/errors.js';
import { isStorableText, STORABLE_TEXT_RULE } from '../common/storable-text.js';

/** When a notification is pushed (docs/push.md): `offline` unless the application says. */
export const PUSH_POLICIES = ['offline', 'always', 'never'] as const;
export type PushPolicy = (typeof PUSH_POLICIES)[number];

/** Display hints the application gives for the push (`pushDisplay`). */
export interface PushDisplay {
  title: string;
  body?: string;
  url?: string;
}

const MAX_TITLE = 255;
const MAX_BODY = 1024;
const MAX_URL = 2048;

export function checkedPushPolicy(value: unknown): PushPolicy {
  if (value === undefined) return 'offline';
  if (!PUSH_POLICIES.includes(value as PushPolicy)) throw new InvalidInputError(`push: expected one of ${PUSH_POLICIES.join(', ')}`);
  return value as PushPolicy;
}

/**
 * `{"title", "body"?, "url"?}` as JSON text for the row, or null. A push must fit the push
 * services' 4 KB, so the texts are bounded; the url must be http(s) or a path of the page's origin.
 */
export function checkedPushDisplay(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidInputError('pushDisplay: expected {"title", "body"?, "url"?}');
  const { title, body, url, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new InvalidInputError(`pushDisplay.${unknown} is not a field; expected title, body, url`);
  if (typeof title !== 'string' || title.length < 1 || title.length > MAX_TITLE) throw new InvalidInputError(`pushDisplay.title: expected 1-${MAX_TITLE} characters`);
  if (body !== undefined && (typeof body !== 'string' || body.length > MAX_BODY)) throw new InvalidInputError(`pushDisplay.body: expected at most ${MAX_BODY} characters`);
  if (url !== undefined && !isDisplayUrl(url)) throw new InvalidInputError(`pushDisplay.url: expected an http(s) URL or a path starting with / (at most ${MAX_URL} characters)`);
  if (![title, body, url].every((text) => text === undefined || isStorableText(text as string))) throw new InvalidInputError(`pushDisplay: texts must have ${STORABLE_TEXT_RULE}`);
  const display: PushDisplay = { title, ...(body === undefined ? {} : { body }), ...(url === undefined ? {} : { url: url as string }) };
  return JSON.stringify(display);
}

function isDisplayUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length > MAX_URL) return false;
  if (url.startsWith('/') && !url.startsWith('//')) return true;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}
