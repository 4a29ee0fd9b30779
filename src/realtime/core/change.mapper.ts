import type { Change as InboxChange } from '../../inbox/inbox.js';
import type { Change } from './frames.js';
import { toItem } from './item.mapper.js';

/** A change as devices see it: dates as ISO-8601, notifications as device Items. */
export function toChange(change: InboxChange): Change {
  const mapped: Change = { version: change.version, type: change.type, at: change.at.toISOString(), ids: change.ids };
  if (change.items !== undefined) mapped.items = change.items.map(toItem);
  return mapped;
}
