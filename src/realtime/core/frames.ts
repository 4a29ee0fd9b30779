import type { ChangeType, Counts, MarkTarget } from '../../inbox/inbox.js';
import type { Preferences } from '../../preferences/preferences.js';

export type { CategoryCounts, ChangeType, Counts } from '../../inbox/inbox.js';

/**
 * The device protocol's frames (docs/protocol.md, Frames), independent of the transport that carries them:
 * the WebSocket gateway and the SSE transport send exactly these.
 */

/** A bigger frame closes a WebSocket with 1009 (ws does this itself); a bigger POST /subscribe/requests body is refused. */
export const MAX_FRAME_BYTES = 64 * 1024;

export type RequestId = string | number;

/** A notification as devices see it; the names are the earlier servers' (snake_case). */
export interface Item {
  id: string;
  notification_data: unknown;
  create_date: string;
  /** Present once seen. */
  seen_date?: string;
  /** Absent when the notification has none. */
  category?: string;
  /** Each of these is present only when set. */
  read_date?: string;
  archive_date?: string;
  update_date?: string;
  expire_date?: string;
  key?: string;
}

/** One change of a user's inbox, the step from `version - 1` to `version`. */
export interface Change {
  version: number;
  type: ChangeType;
  at: string;
  ids: string[];
  /** For created, updated and unsnoozed: those of `ids` that still exist, as they are now. */
  items?: Item[];
}

/** Each request's parameters once parsed and validated, by the request's name. */
export interface DeviceRequests {
  unseenNotificationDataRequest: { limit: number };
  seenNotificationsRequest: { receivedAfter: Date; limit: number };
  /** The newer PNS form: without `receivedAfter`, the unseen ones; with it, seen and unseen created after it. */
  notificationDataRequest: { receivedAfter?: Date; limit: number };
  webhookRequest: Record<string, never>;
  /** `{"webpush": …}` or `{"fcm": …}`, checked by the push service. */
  pushSubscribeRequest: { subscription: Record<string, unknown> };
  pushUnsubscribeRequest: { id: string };
  countsRequest: Record<string, never>;
  changesRequest: { since: number; limit: number };
  /** Checked as the REST body of POST /api/users/:userId/notifications/mark is. */
  markRequest: MarkTarget;
  preferencesRequest: Record<string, never>;
  /** The whole preferences, checked by the preferences service as the REST body of PUT …/preferences is. */
  preferencesUpdate: { preferences: unknown };
}

/** Each request's answer, by the request's name. */
export interface DeviceAnswers {
  unseenNotificationDataRequest: { newNotificationData: Item[] };
  seenNotificationsRequest: { seenNotificationData: Item[] };
  notificationDataRequest: { notificationData: Item[] };
  webhookRequest: { webhook: WebhookFrameBody };
  pushSubscribeRequest: { pushSubscription: { id: string } };
  pushUnsubscribeRequest: { pushUnsubscribed: { id: string } };
  countsRequest: CountsFrame;
  /** Or, when the changes after `since` are no longer kept, a resync. */
  changesRequest: { changes: { changes: Change[]; version: number; hasMore: boolean } } | ResyncFrame;
  markRequest: { marked: { updated: number; counts: Counts } };
  preferencesRequest: PreferencesFrame;
  preferencesUpdate: PreferencesFrame;
}

/** A new webhook URL of the device's user (docs/api.md, Webhook URLs); the only time its secret is shown. */
export interface WebhookFrameBody {
  id: string;
  url: string;
}

export type RequestName = keyof DeviceRequests;

export type DeviceRequest = { [K in RequestName]: { name: K; params: DeviceRequests[K]; requestId?: RequestId } }[RequestName];

/** Protocol 1's count; over SSE only the count is written (see OutgoingFrame.sseEvent). */
export interface CountFrame {
  newNotificationCountChanged: number;
  version: number;
}

/** Protocol 2: the user's counts, first and after every change. */
export interface CountsFrame {
  counts: Counts;
}

/** Protocol 2: one change, in version order. */
export interface ChangeFrame {
  change: Change;
}

/** The changes after the version asked for are no longer kept: the device reloads its state. */
export interface ResyncFrame {
  resync: { version: number };
}

/** The user's preferences: the answer to both preferences requests, and (protocol 2) sent to every device of the user after they change. */
export interface PreferencesFrame {
  preferences: Preferences;
}

/** What delivery pushes without being asked. */
export type PushedFrame = CountFrame | CountsFrame | ChangeFrame | ResyncFrame | PreferencesFrame;

/**
 * `bad_request`: the device's fault, fix the frame; `internal_error`: ours, retry later;
 * `rate_limited`: over the connection's request rate, slow down.
 */
export interface ErrorFrame {
  error: { code: 'bad_request' | 'internal_error' | 'rate_limited'; message: string };
  requestId?: RequestId;
}

export type AnswerFrame = DeviceAnswers[RequestName] & { requestId?: RequestId };

export type ServerFrame = PushedFrame | AnswerFrame | ErrorFrame;
