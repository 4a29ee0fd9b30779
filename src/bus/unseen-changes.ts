/** Instances hear on this channel that users' unseen counts changed (and re-read them). */
export const UNSEEN_CHANGED_CHANNEL = 'pns_unseen_changed';

// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD_BYTES = 7900;
// User ids hold no control characters, so a newline separates them unambiguously.
const SEPARATOR = '\n';

/** As few payloads as fit the limit, each a newline-separated list of user ids. */
export function packUserIds(userIds: Iterable<string>): string[] {
  const payloads: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const userId of userIds) {
    const size = Buffer.byteLength(userId) + 1;
    if (current.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      payloads.push(current.join(SEPARATOR));
      current = [];
      bytes = 0;
    }
    current.push(userId);
    bytes += size;
  }
  if (current.length > 0) payloads.push(current.join(SEPARATOR));
  return payloads;
}

export function unpackUserIds(payload: string): string[] {
  return payload.split(SEPARATOR).filter((userId) => userId !== '');
}
