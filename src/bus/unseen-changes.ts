/** Instances hear on this channel that users' inboxes changed, each with its counts when known. */
export const UNSEEN_CHANGED_CHANNEL = 'pns_unseen_changed';

// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD_BYTES = 7900;
// User ids hold no control characters, so a newline separates entries and a tab a user id
// from its counts unambiguously.
const SEPARATOR = '\n';
const FIELD_SEPARATOR = '\t';
/** Room kept per user for the counts the announcement adds in SQL: two tabs, a bigint and an int. */
export const ANNOUNCED_COUNTS_BYTES = 2 + 20 + 11;

/** A user's inbox as the announcement read it, after the change it announces had committed. */
export interface AnnouncedInbox {
  version: number;
  unseen: number;
}

export interface Announcement {
  userId: string;
  /** Absent when the announcer could not read it (a NOTIFY inside the host's transaction). */
  inbox?: AnnouncedInbox;
}

/** As few groups as fit the payload limit, with `extraBytes` more per user. */
export function groupUserIds(userIds: Iterable<string>, extraBytes = 0): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const userId of userIds) {
    const size = Buffer.byteLength(userId) + 1 + extraBytes;
    if (current.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(userId);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Payloads of bare user ids: their readers re-read the inboxes. */
export function packUserIds(userIds: Iterable<string>): string[] {
  return groupUserIds(userIds).map((group) => group.join(SEPARATOR));
}

/** Each line a user id, alone or followed by its inbox's version and unseen count. */
export function unpackAnnouncements(payload: string): Announcement[] {
  const announcements: Announcement[] = [];
  for (const line of payload.split(SEPARATOR)) {
    if (line === '') continue;
    const [userId, version, unseen] = line.split(FIELD_SEPARATOR);
    const inbox = version === undefined ? undefined : { version: Number(version), unseen: Number(unseen) };
    announcements.push(inbox && Number.isSafeInteger(inbox.version) && Number.isSafeInteger(inbox.unseen) ? { userId, inbox } : { userId });
  }
  return announcements;
}
