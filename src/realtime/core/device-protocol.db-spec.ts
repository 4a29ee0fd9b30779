import { newNotification, newUser } from '../../../test/support/factories';
import { TestContext, type TestContextOptions } from '../../../test/support/test-context';
import { InboxModule } from '../../inbox/inbox.module';
import { NotificationsModule } from '../../notifications/notifications.module';
import { NotificationsService } from '../../notifications/notifications.service';
import { PreferencesModule } from '../../preferences/preferences.module';
import { PushModule } from '../../push/push.module';
import { WebhooksModule } from '../../webhooks/webhooks.module';
import { DeviceProtocol } from './device-protocol';

const WIRING: TestContextOptions = { imports: [NotificationsModule, InboxModule, WebhooksModule, PushModule, PreferencesModule], providers: [DeviceProtocol] };

/** The transport-free protocol on a real database: what the WebSocket and SSE transports both send. */
describe('DeviceProtocol', () => {
  let context: TestContext;
  let notifications: NotificationsService;
  let protocol: DeviceProtocol;

  beforeAll(async () => {
    context = await TestContext.start(WIRING);
    notifications = context.get(NotificationsService);
    protocol = context.get(DeviceProtocol);
  });
  afterAll(() => context.close());

  it('answers requests with Items, echoing the requestId', async () => {
    const user = newUser();
    await newNotification(notifications, user, { text: 'hi' }, 'chat');
    await newNotification(notifications, user, null);

    const unseen = await protocol.handle(user, '{"unseenNotificationDataRequest": {"limit": 1}, "requestId": "u1"}');
    expect(unseen).toEqual({
      newNotificationData: [{ id: expect.any(String), notification_data: null, create_date: expect.any(String), seen_date: expect.any(String) }],
      requestId: 'u1',
    });
    expect((await notifications.unseenCountAndVersion(user)).count).toBe(1);

    await protocol.handle(user, '"unseenNotificationDataRequest"');
    const seen = await protocol.handle(user, '{"seenNotificationsRequest": {"receivedAfter": "2000-01-01"}, "requestId": 9}');
    expect(seen).toEqual({
      seenNotificationData: [
        expect.objectContaining({ notification_data: null }),
        expect.objectContaining({ notification_data: { text: 'hi' }, category: 'chat', seen_date: expect.any(String) }),
      ],
      requestId: 9,
    });
  });

  it('answers a webhookRequest with a new webhook URL of the user, and refuses parameters', async () => {
    const answer = await protocol.handle(newUser(), '{"webhookRequest": {}, "requestId": "w"}');
    expect(answer).toEqual({ webhook: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), url: expect.stringMatching(/^http:\/\/localhost:3000\/hooks\/[\w-]{43}$/) }, requestId: 'w' });
    expect(await protocol.handle(newUser(), '{"webhookRequest": {"userId": "someone-else"}}')).toEqual({
      error: { code: 'bad_request', message: 'webhookRequest.userId is not a parameter; expected none ({})' },
    });
  });

  it('answers countsRequest, changesRequest and markRequest, on either protocol', async () => {
    const user = newUser();
    const [first, second] = [await newNotification(notifications, user, 'one', 'news'), await newNotification(notifications, user, 'two')];
    const counts = { version: 2, unseen: 2, unread: 2, total: 2, categories: { news: { unseen: 1, unread: 1, total: 1 } } };
    expect(await protocol.handle(user, '{"countsRequest": {}, "requestId": "c"}')).toEqual({ counts, requestId: 'c' });

    const marked = await protocol.handle(user, JSON.stringify({ markRequest: { set: 'read', ids: [first.id, 'nope'] }, requestId: 'm' }));
    expect(marked).toEqual({ marked: { updated: 1, counts: { ...counts, version: 3, unseen: 1, unread: 1, categories: { news: { unseen: 0, unread: 0, total: 1 } } } }, requestId: 'm' });
    expect(await protocol.handle(user, '{"markRequest": {"set": "archived", "filter": {"category": "news"}}}')).toMatchObject({ marked: { updated: 1, counts: { version: 4, total: 1, categories: {} } } });

    const changes = await protocol.handle(user, '{"changesRequest": {"since": 1, "limit": 2}, "requestId": 7}');
    expect(changes).toEqual({
      changes: {
        changes: [
          { version: 2, type: 'created', at: expect.any(String), ids: [second.id], items: [{ id: second.id, notification_data: 'two', create_date: second.createdAt.toISOString() }] },
          { version: 3, type: 'read', at: expect.any(String), ids: [first.id] },
        ],
        version: 4,
        hasMore: true,
      },
      requestId: 7,
    });
    expect(await protocol.handle(user, '{"changesRequest": {"since": 4}}')).toEqual({ changes: { changes: [], version: 4, hasMore: false } });
  });

  it('answers a changesRequest past what the log keeps with resync and the current version', async () => {
    const user = newUser();
    for (const data of ['a', 'b', 'c']) await newNotification(notifications, user, data);
    const client = await context.connect();
    await client.setPrunedVersion(user, 2);
    expect(await protocol.handle(user, '{"changesRequest": {"since": 1}, "requestId": "r"}')).toEqual({ resync: { version: 3 }, requestId: 'r' });
    expect(await protocol.handle(user, '{"changesRequest": {"since": 2}}')).toMatchObject({ changes: { changes: [{ version: 3 }], version: 3, hasMore: false } });
  });

  it.each([
    ['countsRequest.userId is not a parameter', '{"countsRequest": {"userId": "x"}}'],
    ['countsRequest must be an object', '{"countsRequest": []}'],
    ['changesRequest.since must be a version', '{"changesRequest": {}}'],
    ['changesRequest.since must be a version', '{"changesRequest": {"since": -1}}'],
    ['changesRequest.since must be a version', '{"changesRequest": {"since": "3"}}'],
    ['changesRequest.since must be a version', '{"changesRequest": {"since": 1.5}}'],
    ['since (99) is ahead', '{"changesRequest": {"since": 99}}'],
    ['changesRequest.limit must be an integer from 1 to 1000', '{"changesRequest": {"since": 0, "limit": 0}}'],
    ['changesRequest.limit must be an integer from 1 to 1000', '{"changesRequest": {"since": 0, "limit": 1001}}'],
    ['changesRequest.from is not a parameter', '{"changesRequest": {"since": 0, "from": 1}}'],
    ['set must be one of seen, read, unread, archived, unarchived, snoozed', '{"markRequest": {"set": "hidden", "all": true}}'],
    ['set "snoozed" needs until', '{"markRequest": {"set": "snoozed", "all": true}}'],
    ['until must be in the future', '{"markRequest": {"set": "snoozed", "all": true, "until": "2020-01-01T00:00:00.000Z"}}'],
    ['give exactly one of ids or filter or all', '{"markRequest": {"set": "read"}}'],
    ['give exactly one of ids or filter or all, not both', '{"markRequest": {"set": "read", "all": true, "ids": ["1"]}}'],
    ['all', '{"markRequest": {"set": "read", "all": false}}'],
    ['ids', '{"markRequest": {"set": "read", "ids": []}}'],
    ['ids', '{"markRequest": {"set": "read", "ids": "1"}}'],
    ['ids', JSON.stringify({ markRequest: { set: 'read', ids: Array.from({ length: 1001 }, (_, i) => String(i + 1)) } })],
    ['filter.createdBefore must be an ISO-8601 date-time', '{"markRequest": {"set": "read", "filter": {"createdBefore": "yesterday"}}}'],
    ['filter.state must be one of', '{"markRequest": {"set": "read", "filter": {"state": "new"}}}'],
    ['color', '{"markRequest": {"set": "read", "filter": {"color": "red"}}}'],
    ['userId', '{"markRequest": {"set": "read", "all": true, "userId": "x"}}'],
  ])('answers bad_request (%s), changing nothing', async (message, frame) => {
    const user = newUser();
    await newNotification(notifications, user, 'untouched');
    expect(await protocol.handle(user, frame)).toEqual({ error: { code: 'bad_request', message: expect.stringContaining(message) } });
    expect(await protocol.handle(user, '{"countsRequest": {}}')).toEqual({ counts: { version: 1, unseen: 1, unread: 1, total: 1, categories: {} } });
  });

  it('answers a bad frame with bad_request', async () => {
    expect(await protocol.handle(newUser(), '{"unseenNotificationDataRequest": {"limit": 0}, "requestId": 1}')).toEqual({
      error: { code: 'bad_request', message: expect.stringContaining('limit') },
      requestId: 1,
    });
  });

  it('answers internal_error, not a rejection, when the database cannot be reached', async () => {
    // Port 1 on the loopback: nothing listens, the connection is refused at once.
    const unreachable = await TestContext.start({ ...WIRING, databaseUrl: 'postgresql://pns@127.0.0.1:1/pns' });
    try {
      const broken = unreachable.get(DeviceProtocol);
      expect(await broken.handle(newUser(), '{"unseenNotificationDataRequest": {}, "requestId": "x"}')).toEqual({
        error: { code: 'internal_error', message: expect.stringMatching(/^internal error \(reference [0-9a-f-]{36}\)/) },
        requestId: 'x',
      });
    } finally {
      await unreachable.close();
    }
  });
});
