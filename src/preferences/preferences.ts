import { InvalidInputError } from '../common/errors.js';
import type { QuietHours } from './quiet-hours.js';

export interface ChannelSwitches {
  readonly inbox: boolean;
  readonly push: boolean;
}

export interface Preferences {
  readonly default: ChannelSwitches;
  /** Per category, overriding `default` for the switches given. */
  readonly categories: Readonly<Record<string, Partial<ChannelSwitches>>>;
  readonly quietHours: QuietHours | null;
}

/** What a user who never set preferences has: everything on, no quiet hours. */
export const DEFAULT_PREFERENCES: Preferences = { default: { inbox: true, push: true }, categories: {}, quietHours: null };

export const MAX_CATEGORIES = 200;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
// IANA names are letters, digits and _ + - / (Etc/GMT+1); this also refuses the bare UTC
// offsets ("+01:00") that newer engines accept as time zones but IANA does not name.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuseUnknownKeys(value: Json, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new InvalidInputError(`${where}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
}

function switches(value: unknown, where: string, required: boolean): Partial<ChannelSwitches> {
  if (!isObject(value)) throw new InvalidInputError(`${where} must be an object like {"inbox": true, "push": false}`);
  refuseUnknownKeys(value, ['inbox', 'push'], where);
  const result: { inbox?: boolean; push?: boolean } = {};
  for (const key of ['inbox', 'push'] as const) {
    if (value[key] === undefined) {
      if (required) result[key] = true;
      continue;
    }
    if (typeof value[key] !== 'boolean') throw new InvalidInputError(`${where}.${key} must be true or false`);
    result[key] = value[key];
  }
  return result;
}

/** The zone's canonical name (e.g. "utc" → "UTC"), or undefined when it is no IANA zone. */
export function canonicalTimeZone(name: string): string | undefined {
  if (!ZONE_NAME.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function quietHours(value: unknown): QuietHours | null {
  if (value === null) return null;
  if (!isObject(value)) throw new InvalidInputError('quietHours must be null or {"timeZone", "from", "to"}');
  refuseUnknownKeys(value, ['timeZone', 'from', 'to'], 'quietHours');
  const timeZone = typeof value.timeZone === 'string' ? canonicalTimeZone(value.timeZone) : undefined;
  if (timeZone === undefined) throw new InvalidInputError('quietHours.timeZone must be an IANA time zone such as Europe/Berlin');
  for (const key of ['from', 'to'] as const) {
    if (typeof value[key] !== 'string' || !HH_MM.test(value[key])) throw new InvalidInputError(`quietHours.${key} must be a time "HH:MM" from 00:00 to 23:59`);
  }
  return { timeZone, from: value.from as string, to: value.to as string };
}

/**
 * Reads preferences as sent (REST body or device frame), strictly: any unknown field or
 * wrong type is refused, naming it. Omitted parts take their defaults, so a PUT replaces the
 * whole of a user's preferences.
 */
export function parsePreferences(value: unknown): Preferences {
  if (!isObject(value)) throw new InvalidInputError('preferences must be an object {"default"?, "categories"?, "quietHours"?}');
  refuseUnknownKeys(value, ['default', 'categories', 'quietHours'], 'preferences');
  const categories: Record<string, Partial<ChannelSwitches>> = {};
  if (value.categories !== undefined) {
    if (!isObject(value.categories)) throw new InvalidInputError('categories must be an object keyed by category');
    const names = Object.keys(value.categories);
    if (names.length > MAX_CATEGORIES) throw new InvalidInputError(`categories: at most ${MAX_CATEGORIES}`);
    for (const name of names) {
      if (name.length < 1 || name.length > 255) throw new InvalidInputError('categories: a category is 1-255 characters');
      categories[name] = switches(value.categories[name], `categories.${name}`, false);
    }
  }
  return {
    default: value.default === undefined ? DEFAULT_PREFERENCES.default : (switches(value.default, 'default', true) as ChannelSwitches),
    categories,
    quietHours: value.quietHours === undefined ? null : quietHours(value.quietHours),
  };
}

/**
 * Whether a notification of `category` is pushed: the category's own switch, else the default.
 * The inbox switch follows the same rule inside the insert statement, which reads the stored
 * preferences itself (src/notifications/insert-notifications.sql.ts).
 */
export function pushAllowed(preferences: Preferences, category: string | null | undefined): boolean {
  const override = category == null ? undefined : preferences.categories[category];
  return override?.push ?? preferences.default.push;
}
