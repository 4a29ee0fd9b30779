import { createHash, randomBytes } from 'node:crypto';

/** 256 bits, twice the 128 a capability URL needs, still a short URL: 43 base64url characters. */
const SECRET_BYTES = 32;
const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function newWebhookSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** What is stored and looked up: the secret itself exists only in the creation answer. */
export function hashWebhookSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether `text` could be a secret of ours; anything else is unknown without asking the database. */
export function isWebhookSecret(text: string): boolean {
  return SECRET_FORMAT.test(text);
}
