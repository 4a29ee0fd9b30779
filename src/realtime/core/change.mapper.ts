import type { FeedChange, FeedCounts } from '../../inbox/inbox-feed.repository.js';
import type { Change, ChangeType, Counts } from './frames.js';
import { toItem } from './item.mapper.js';

/** A change as devices see it: dates as ISO-8601, items as device Items. */
export function toChange(change: FeedChange): Change {
  const mapped: Change = { version: change.version, type: change.type as ChangeType, at: change.at.toISOString(), ids: change.ids };
  if (change.items !== undefined) mapped.items = change.items.map(toItem);
  return mapped;
}

export function toCounts(counts: FeedCounts): Counts {
  return { version: counts.version, unseen: counts.unseen, unread: counts.unread, total: counts.total, categories: counts.categories };
}
