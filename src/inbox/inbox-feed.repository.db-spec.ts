import { newNotification, newNotifications, newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { NotificationsModule } from '../notifications/notifications.module';
import { NotificationsService } from '../notifications/notifications.service';
import { InboxFeedRepository } from './inbox-feed.repository';

describe('InboxFeedRepository.moved (reconciliation)', () => {
  let context: TestContext;
  let notifications: NotificationsService;
  let feed: InboxFeedRepository;

  beforeAll(async () => {
    context = await TestContext.start({ imports: [NotificationsModule], providers: [InboxFeedRepository] });
    notifications = context.get(NotificationsService);
    feed = context.get(InboxFeedRepository);
  });
  afterAll(() => context.close());

  it('answers only the users whose version is not the one delivered', async () => {
    const [current, behind, quiet, quietBehind] = [newUser(), newUser(), newUser(), newUser()];
    await newNotifications(notifications, current, ['a', 'b']);
    await newNotification(notifications, behind, 'a');
    const counts = await feed.read([current, behind].map((userId) => ({ userId, after: null, categories: false })), 1);
    await newNotification(notifications, behind, 'after the delivery');

    const moved = await feed.moved([
      { userId: current, version: counts.get(current)!.counts.version },
      { userId: behind, version: counts.get(behind)!.counts.version },
      // No change ever: version 0, with no inbox row at all.
      { userId: quiet, version: 0 },
      { userId: quietBehind, version: 3 },
    ]);
    expect(moved.sort()).toEqual([behind, quietBehind].sort());
  });
});
