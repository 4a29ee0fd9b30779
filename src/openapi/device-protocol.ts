import type { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import packageJson from '../../package.json' with { type: 'json' };
import { MARK_SETS, MAX_MARK_IDS } from '../inbox/inbox.js';
import { NOTIFICATION_STATES } from '../notifications/notification.js';
import type { RequestName } from '../realtime/core/frames.js';

/**
 * The device protocol (docs/protocol.md) as AsyncAPI 3: the frames both ways, each a JSON
 * Schema under components.schemas, per protocol version. Served at /docs-asyncapi.json beside
 * /docs-json; test/openapi.e2e-spec.ts checks the frames of a running pns against it.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const requestId = { description: 'echoed in the answer', oneOf: [{ type: 'string' }, { type: 'number' }] };
const isoDate = { type: 'string', format: 'date-time' };
const limit = { type: 'integer', minimum: 1 };
const ANY_JSON = { description: 'any JSON value, as posted (null, strings and arrays included)' };
/** A frame of one member (plus the optional requestId), the member's value given. */
const frame = (member: string, value: object, withRequestId = true) => ({
  type: 'object',
  required: [member],
  additionalProperties: false,
  properties: { [member]: value, ...(withRequestId ? { requestId } : {}) },
});
const PROTOCOL_2 = 'protocol 2 only (connect with ?protocol=2)';

const categoryCounts = {
  type: 'object',
  required: ['unseen', 'unread', 'total'],
  properties: { unseen: { type: 'integer', minimum: 0 }, unread: { type: 'integer', minimum: 0 }, total: { type: 'integer', minimum: 0 } },
};

export const DEVICE_PROTOCOL_SCHEMAS: Record<string, object> = {
  Item: {
    type: 'object',
    required: ['id', 'notification_data', 'create_date'],
    properties: {
      id: { type: 'string' },
      notification_data: ANY_JSON,
      create_date: isoDate,
      seen_date: isoDate,
      category: { type: 'string' },
      read_date: isoDate,
      archive_date: isoDate,
      update_date: isoDate,
      expire_date: isoDate,
      key: { type: 'string' },
    },
    additionalProperties: false,
  },
  // Server → device, protocol 1.
  CountFrame: {
    type: 'object',
    required: ['newNotificationCountChanged'],
    additionalProperties: false,
    properties: { newNotificationCountChanged: { type: 'integer', minimum: 0 }, version: { type: 'integer', minimum: 0, description: 'the inbox version the count is as of (WebSocket)' } },
  },
  UnseenDataAnswer: frame('newNotificationData', { type: 'array', items: ref('Item') }),
  SeenDataAnswer: frame('seenNotificationData', { type: 'array', items: ref('Item') }),
  NotificationDataAnswer: frame('notificationData', { type: 'array', items: ref('Item') }),
  WebhookAnswer: frame('webhook', { type: 'object', required: ['id', 'url'], properties: { id: { type: 'string' }, url: { type: 'string' } } }),
  PushSubscribedAnswer: frame('pushSubscription', { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }),
  PushUnsubscribedAnswer: frame('pushUnsubscribed', { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }),
  ErrorFrame: frame('error', {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { enum: ['bad_request', 'internal_error', 'rate_limited'], description: "bad_request: fix the frame; internal_error: pns's fault, retry later; rate_limited: over the connection's request rate, slow down" },
      message: { type: 'string' },
    },
  }),
  // Device → server, both protocols.
  BareUnseenDataRequest: { const: 'unseenNotificationDataRequest', description: 'the bare form of unseenNotificationDataRequest' },
  UnseenDataRequest: frame('unseenNotificationDataRequest', { type: 'object', additionalProperties: false, properties: { limit: { ...limit, maximum: 500 } } }),
  SeenDataRequest: frame('seenNotificationsRequest', { type: 'object', required: ['receivedAfter'], additionalProperties: false, properties: { receivedAfter: isoDate, limit: { ...limit, maximum: 500 } } }),
  NotificationDataRequest: frame('notificationDataRequest', {
    type: 'object',
    additionalProperties: false,
    properties: { receivedAfter: { anyOf: [isoDate, { const: '' }, { type: 'null' }], description: 'absent, empty or null: the unseen ones only' }, limit: { ...limit, maximum: 500 } },
  }),
  WebhookRequest: frame('webhookRequest', { type: 'object', additionalProperties: false }),
  PushSubscribeRequest: frame('pushSubscribeRequest', { type: 'object', description: '{"webpush": PushSubscription} or {"fcm": {"token"}}' }),
  PushUnsubscribeRequest: frame('pushUnsubscribeRequest', { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string' } } }),
  CountsRequest: { ...frame('countsRequest', { type: 'object', additionalProperties: false }), description: 'answered with a CountsFrame, on both protocols' },
  MarkRequest: {
    ...frame('markRequest', {
      type: 'object',
      required: ['set'],
      additionalProperties: false,
      properties: {
        set: { enum: MARK_SETS },
        ids: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: MAX_MARK_IDS },
        filter: {
          type: 'object',
          additionalProperties: false,
          properties: {
            category: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
            createdBefore: isoDate,
            state: { enum: NOTIFICATION_STATES },
          },
        },
        all: { const: true },
        until: { ...isoDate, description: 'with set "snoozed" only' },
      },
      oneOf: [{ required: ['ids'] }, { required: ['filter'] }, { required: ['all'] }],
    }),
    description: 'exactly one of ids, filter and all; answered with a MarkedAnswer, on both protocols',
  },
  ChangesRequest: {
    ...frame('changesRequest', { type: 'object', required: ['since'], additionalProperties: false, properties: { since: { type: 'integer', minimum: 0 }, limit: { ...limit, maximum: 1000 } } }),
    description: 'answered with a ChangesAnswer (or a ResyncFrame), on both protocols',
  },
  PreferencesRequest: { ...frame('preferencesRequest', { type: 'object', additionalProperties: false }), description: 'answered with a PreferencesFrame, on both protocols' },
  PreferencesUpdateRequest: {
    ...frame('preferencesUpdate', ref('Preferences')),
    description: 'replaces all of the user\'s preferences (what it omits takes its default); answered with a PreferencesFrame, on both protocols',
  },
  // Server → device, protocol 2 (and the answers to countsRequest/changesRequest/preferences requests on both).
  Counts: {
    type: 'object',
    required: ['unseen', 'unread', 'total', 'version', 'categories'],
    properties: { ...categoryCounts.properties, version: { type: 'integer', minimum: 0 }, categories: { type: 'object', additionalProperties: categoryCounts } },
  },
  Change: {
    type: 'object',
    required: ['version', 'type', 'at', 'ids'],
    properties: {
      version: { type: 'integer', minimum: 1 },
      type: { enum: ['created', 'updated', 'seen', 'read', 'unread', 'archived', 'unarchived', 'snoozed', 'unsnoozed', 'deleted', 'expired'] },
      at: isoDate,
      ids: { type: 'array', items: { type: 'string' }, maxItems: 1000 },
      items: { type: 'array', items: ref('Item'), description: 'for created, updated and unsnoozed' },
    },
  },
  ChannelSwitches: { type: 'object', additionalProperties: false, properties: { inbox: { type: 'boolean' }, push: { type: 'boolean' } } },
  Preferences: {
    type: 'object',
    additionalProperties: false,
    properties: {
      default: ref('ChannelSwitches'),
      categories: { type: 'object', additionalProperties: ref('ChannelSwitches') },
      quietHours: {
        oneOf: [
          { type: 'null' },
          {
            type: 'object',
            required: ['timeZone', 'from', 'to'],
            additionalProperties: false,
            properties: { timeZone: { type: 'string', description: 'an IANA time zone' }, from: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }, to: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' } },
          },
        ],
      },
    },
  },
  PreferencesFrame: {
    ...frame('preferences', ref('Preferences')),
    description: 'the answer to preferencesRequest and preferencesUpdate on both protocols; on protocol 2 also sent, without requestId, to every device of the user after their preferences change',
  },
  CountsFrame: { ...frame('counts', ref('Counts')), description: `${PROTOCOL_2}: first and after every change; on both protocols, the answer to countsRequest` },
  ChangeFrame: { ...frame('change', ref('Change'), false), description: PROTOCOL_2 },
  ResyncFrame: {
    ...frame('resync', { type: 'object', required: ['version'], properties: { version: { type: 'integer', minimum: 0 } } }),
    description: `the changes asked for (since, on connecting with ${PROTOCOL_2}, or a changesRequest) are no longer kept; reload, then resume from version`,
  },
  ChangesAnswer: {
    ...frame('changes', {
      type: 'object',
      required: ['changes', 'version', 'hasMore'],
      properties: { changes: { type: 'array', items: ref('Change') }, version: { type: 'integer', minimum: 0 }, hasMore: { type: 'boolean' } },
    }),
    description: 'the answer to changesRequest, on both protocols',
  },
  MarkedAnswer: {
    ...frame('marked', { type: 'object', required: ['updated', 'counts'], properties: { updated: { type: 'integer', minimum: 0 }, counts: ref('Counts') } }),
    description: 'the answer to markRequest, on both protocols',
  },
};

const message = (name: string, summary: string) => ({ name, summary, contentType: 'application/json', payload: ref(name) });

/** What pns sends unasked, per protocol. */
const PUSHED = { 1: ['CountFrame'], 2: ['CountsFrame', 'ChangeFrame', 'ResyncFrame', 'PreferencesFrame'] };
/**
 * Each request of the device protocol (frames.ts) by the schemas of the request and of its
 * answers, the same on both protocols: a request added there does not compile until it is
 * described here.
 */
const REQUESTS: Record<RequestName, { request: string; answers: string[] }> = {
  unseenNotificationDataRequest: { request: 'UnseenDataRequest', answers: ['UnseenDataAnswer'] },
  seenNotificationsRequest: { request: 'SeenDataRequest', answers: ['SeenDataAnswer'] },
  notificationDataRequest: { request: 'NotificationDataRequest', answers: ['NotificationDataAnswer'] },
  webhookRequest: { request: 'WebhookRequest', answers: ['WebhookAnswer'] },
  pushSubscribeRequest: { request: 'PushSubscribeRequest', answers: ['PushSubscribedAnswer'] },
  pushUnsubscribeRequest: { request: 'PushUnsubscribeRequest', answers: ['PushUnsubscribedAnswer'] },
  countsRequest: { request: 'CountsRequest', answers: ['CountsFrame'] },
  changesRequest: { request: 'ChangesRequest', answers: ['ChangesAnswer', 'ResyncFrame'] },
  markRequest: { request: 'MarkRequest', answers: ['MarkedAnswer'] },
  preferencesRequest: { request: 'PreferencesRequest', answers: ['PreferencesFrame'] },
  preferencesUpdate: { request: 'PreferencesUpdateRequest', answers: ['PreferencesFrame'] },
};
const ANSWERS = [...Object.values(REQUESTS).flatMap(({ answers }) => answers), 'ErrorFrame'];
const DEVICE_FRAMES = ['BareUnseenDataRequest', ...Object.values(REQUESTS).map(({ request }) => request)];

/** The schema names of every frame a device may receive on `protocol`, and may send. */
export const FRAMES = {
  server: { 1: [...new Set([...PUSHED[1], ...ANSWERS])], 2: [...new Set([...PUSHED[2], ...ANSWERS])] },
  device: DEVICE_FRAMES,
} as const;

export function deviceProtocolDocument(): object {
  const messages = Object.fromEntries([...new Set([...FRAMES.server[1], ...FRAMES.server[2], ...DEVICE_FRAMES])].map((name) => [name, message(name, (DEVICE_PROTOCOL_SCHEMAS[name] as { description?: string }).description ?? name)]));
  const channel = (version: 1 | 2) => ({
    address: '/subscribe',
    title: `devices, protocol ${version}`,
    description:
      `WebSocket (JSON text frames) or Server-Sent Events (GET, the frame's key as the event name, its value as data; requests POSTed to /subscribe/requests) on /subscribe` +
      (version === 2 ? '?protocol=2 (optionally &since=<version>)' : '') +
      '; authenticated by ?connectionId=<ticket> or the application (docs/protocol.md).',
    messages: Object.fromEntries([...FRAMES.server[version], ...DEVICE_FRAMES].map((name) => [name, { $ref: `#/components/messages/${name}` }])),
  });
  const operations = (version: 1 | 2) => ({
    [`receive${version}`]: {
      action: 'send',
      title: `frames pns sends a device on protocol ${version}`,
      channel: { $ref: `#/channels/protocol${version}` },
      messages: FRAMES.server[version].map((name) => ({ $ref: `#/channels/protocol${version}/messages/${name}` })),
    },
    [`request${version}`]: {
      action: 'receive',
      title: `frames a device sends pns on protocol ${version}`,
      channel: { $ref: `#/channels/protocol${version}` },
      messages: DEVICE_FRAMES.map((name) => ({ $ref: `#/channels/protocol${version}/messages/${name}` })),
    },
  });
  return {
    asyncapi: '3.0.0',
    info: { title: 'pns device protocol', version: packageJson.version, description: 'The frames between pns and devices, both ways (docs/protocol.md).' },
    channels: { protocol1: channel(1), protocol2: channel(2) },
    operations: { ...operations(1), ...operations(2) },
    components: { schemas: DEVICE_PROTOCOL_SCHEMAS, messages },
  };
}

export function serveDeviceProtocol(app: INestApplication): void {
  const document = deviceProtocolDocument();
  app.getHttpAdapter().get('/docs-asyncapi.json', (_request: Request, response: Response) => response.json(document));
}
