import { InvalidInputError } from '../common/errors.js';
import { isStorableText, STORABLE_TEXT_RULE } from '../common/storable-text.js';

export type PushKind = 'webpush' | 'fcm';
export const FCM_PLATFORMS = ['android', 'ios', 'web'] as const;
export type FcmPlatform = (typeof FCM_PLATFORMS)[number];

/** What a device hands over: where its push service reaches it, and the keys to encrypt for it. */
export type NewPushSubscription =
  | { kind: 'webpush'; endpoint: string; p256dh: string; auth: string }
  | { kind: 'fcm'; token: string; platform: FcmPlatform | null };

/** A listed subscription: never its endpoint, token or keys. */
export interface PushSubscriptionRecord {
  id: string;
  kind: PushKind;
  createdAt: Date;
  lastSuccessAt: Date | null;
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const MAX_ADDRESS_LENGTH = 4096;
// An uncompressed P-256 point (0x04, x, y) and the 16-byte auth secret of RFC 8291.
const P256DH_BYTES = 65;
const AUTH_BYTES = 16;

/**
 * Reads `{"webpush": {"endpoint", "keys": {"p256dh", "auth"}}}` or `{"fcm": {"token", "platform"?}}`
 * (the REST body and the device frame's value alike). `allowed` says whether an endpoint's
 * origin is one of the configured push services. Messages never quote the secrets.
 */
export function parsePushSubscription(value: unknown, allowed: (endpoint: URL) => boolean): NewPushSubscription {
  if (!isObject(value)) throw new InvalidInputError('expected {"webpush": {...}} or {"fcm": {...}}');
  // A validated body class holds the absent kind as an undefined property.
  const keys = Object.keys(value).filter((key) => value[key] !== undefined);
  if (keys.length !== 1 || !['webpush', 'fcm'].includes(keys[0])) throw new InvalidInputError('expected exactly one of "webpush" or "fcm"');
  return keys[0] === 'webpush' ? parseWebPush(value.webpush, allowed) : parseFcm(value.fcm);
}

function parseWebPush(value: unknown, allowed: (endpoint: URL) => boolean): NewPushSubscription {
  if (!isObject(value) || typeof value.endpoint !== 'string' || !isObject(value.keys)) {
    throw new InvalidInputError('webpush: expected {"endpoint": string, "keys": {"p256dh": string, "auth": string}}');
  }
  let endpoint: URL;
  try {
    endpoint = new URL(value.endpoint);
  } catch {
    throw new InvalidInputError('webpush.endpoint: not a URL');
  }
  if (value.endpoint.length > MAX_ADDRESS_LENGTH) throw new InvalidInputError(`webpush.endpoint: longer than ${MAX_ADDRESS_LENGTH} characters`);
  if (endpoint.protocol !== 'https:') throw new InvalidInputError('webpush.endpoint: must be an https URL');
  if (endpoint.username !== '' || endpoint.password !== '') throw new InvalidInputError('webpush.endpoint: must not carry credentials');
  if (!allowed(endpoint)) throw new InvalidInputError(`webpush.endpoint: ${endpoint.origin} is not an allowed push service (PUSH_ENDPOINTS)`);
  const p256dh = decodedKey('webpush.keys.p256dh', value.keys.p256dh, P256DH_BYTES);
  if (p256dh[0] !== 0x04) throw new InvalidInputError('webpush.keys.p256dh: expected an uncompressed P-256 point (first byte 0x04)');
  decodedKey('webpush.keys.auth', value.keys.auth, AUTH_BYTES);
  return { kind: 'webpush', endpoint: endpoint.href, p256dh: value.keys.p256dh as string, auth: value.keys.auth as string };
}

function parseFcm(value: unknown): NewPushSubscription {
  if (!isObject(value) || typeof value.token !== 'string' || value.token === '' || value.token.length > MAX_ADDRESS_LENGTH) {
    throw new InvalidInputError(`fcm: expected {"token": string of 1 to ${MAX_ADDRESS_LENGTH} characters, "platform"?: ${FCM_PLATFORMS.join('|')}}`);
  }
  if (!isStorableText(value.token)) throw new InvalidInputError(`fcm.token: must have ${STORABLE_TEXT_RULE}`);
  const platform = value.platform ?? null;
  if (platform !== null && !FCM_PLATFORMS.includes(platform as FcmPlatform)) throw new InvalidInputError(`fcm.platform: expected one of ${FCM_PLATFORMS.join(', ')}`);
  return { kind: 'fcm', token: value.token, platform: platform as FcmPlatform | null };
}

function decodedKey(name: string, value: unknown, bytes: number): Buffer {
  if (typeof value !== 'string' || !BASE64URL.test(value)) throw new InvalidInputError(`${name}: expected base64url`);
  const decoded = Buffer.from(value, 'base64url');
  if (decoded.length !== bytes) throw new InvalidInputError(`${name}: expected ${bytes} bytes, base64url-encoded`);
  return decoded;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
