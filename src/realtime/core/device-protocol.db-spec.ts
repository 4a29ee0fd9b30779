import { newNotification, newUser } from '../../../test/support/factories';
import { TestContext, type TestContextOptions } from '../../../test/support/test-context';
import { NotificationsModule } from '../../notifications/notifications.module';
import { NotificationsService } from '../../notifications/notifications.service';
import { PushModule } from '../../push/push.module';
import { WebhooksModule } from '../../webhooks/webhooks.module';
import { DeviceProtocol } from './device-protocol';

const WIRING: TestContextOptions = { imports: [NotificationsModule, WebhooksModule, PushModule], providers: [DeviceProtocol] };

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
    expect(await notifications.unseenCount(user)).toBe(1);

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
