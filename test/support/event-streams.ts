import request from 'supertest';
import { auth, type RunningApp } from './app';
import { Device } from './device';
import { registerTicket } from './devices';
import { DEADLINE_MS } from './waiters';

/** One event of `/subscribe_to_events` (docs/protocol.md). */
export interface CompatEvent {
  accessid: string;
  created_at: number;
  payload: unknown;
}

/**
 * A notifier client on `/subscribe_to_events` with a fresh ticket (or `ticket`); with
 * `timestamp`, it sends its first frame `{"access_id", "timestamp"}` at once.
 */
export async function connectEventStream(
  pns: RunningApp,
  userId: string,
  options: { timestamp?: number; accessId?: string; ticket?: string; autoPong?: boolean } = {},
): Promise<Device> {
  const ticket = options.ticket ?? (await registerTicket(pns, userId));
  const device = await Device.connect(pns.wsUrl, { path: `/subscribe_to_events?connectionId=${encodeURIComponent(ticket)}`, autoPong: options.autoPong });
  if (options.timestamp !== undefined) device.send({ access_id: options.accessId ?? userId, timestamp: options.timestamp });
  return device;
}

/** Every event received, across the arrays it came in. */
export function eventsOf(device: Device): CompatEvent[] {
  return (device.frames as unknown as CompatEvent[][]).flat();
}

/** Waits until the device has received at least `count` events in all. */
export async function waitForEvents(device: Device, count: number, timeoutMs = DEADLINE_MS): Promise<CompatEvent[]> {
  if (eventsOf(device).length < count) await device.nextFrame(() => eventsOf(device).length >= count, { since: 0, timeoutMs });
  return eventsOf(device);
}

export interface StoredNotification {
  id: string;
  data: unknown;
  createdAt: string;
  seenAt: string | null;
}

/** Every notification of the user, oldest first (in creation order: created_at, then id). */
export async function storedNotifications(pns: RunningApp, userId: string): Promise<StoredNotification[]> {
  const items: StoredNotification[] = [];
  let cursor: string | null = null;
  do {
    const response = await request(pns.baseUrl)
      .get(`/api/users/${encodeURIComponent(userId)}/notifications`)
      .query({ state: 'all', limit: 500, ...(cursor === null ? {} : { cursor }) })
      .set(auth)
      .expect(200);
    const page = response.body as { items: StoredNotification[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items.reverse();
}

export function asEvent(userId: string, stored: StoredNotification): CompatEvent {
  return { accessid: userId, created_at: Date.parse(stored.createdAt), payload: stored.data };
}
