import { randomBytes } from 'node:crypto';

/** A user id no other test uses. */
export function newUser(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}
