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
}

/** Each request's answer, by the request's name. */
export interface DeviceAnswers {
  unseenNotificationDataRequest: { newNotificationData: Item[] };
  seenNotificationsRequest: { seenNotificationData: Item[] };
  notificationDataRequest: { notificationData: Item[] };
  webhookRequest: { webhook: WebhookFrameBody };
  pushSubscribeRequest: { pushSubscription: { id: string } };
  pushUnsubscribeRequest: { pushUnsubscribed: { id: string } };
}

/** A new webhook URL of the device's user (docs/api.md, Webhook URLs); the only time its secret is shown. */
export interface WebhookFrameBody {
  id: string;
  url: string;
}

export type RequestName = keyof DeviceRequests;

export type DeviceRequest = { [K in RequestName]: { name: K; params: DeviceRequests[K]; requestId?: RequestId } }[RequestName];

export interface CountFrame {
  newNotificationCountChanged: number;
}

/**
 * `bad_request`: the device's fault, fix the frame; `internal_error`: ours, retry later;
 * `rate_limited`: over the connection's request rate, slow down.
 */
export interface ErrorFrame {
  error: { code: 'bad_request' | 'internal_error' | 'rate_limited'; message: string };
  requestId?: RequestId;
}

export type AnswerFrame = DeviceAnswers[RequestName] & { requestId?: RequestId };

export type ServerFrame = CountFrame | AnswerFrame | ErrorFrame;
