import { newNotification, newNotifications, newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { NotificationsModule } from '../notifications/notifications.module';
import { NotificationsService } from '../notifications/notifications.service';
import { InboxRepository } from './inbox.repository';

describe('InboxRepository.countsOfUser (reads asked together share a statement)', () => {
  let context: TestContext;
  let notifications: NotificationsService;
  let inbox: InboxRepository;

  beforeAll(async () => {
    context = await TestContext.start({ imports: [NotificationsModule], providers: [InboxRepository] });
    notifications = context.get(NotificationsService);
    inbox = context.get(InboxRepository);
  });
  afterAll(() => context.close());

  it('answers each reader its own user, in fewer statements than readers', async () => {
    const [two, one, none] = [newUser(), newUser(), newUser()];
    await newNotifications(notifications, two, ['a', 'b']);
    await newNotification(notifications, one, 'a');
    const queries = jest.spyOn(context.prisma.pool, 'query');

    const readers = [two, one, none, two, one, none, two];
    const answers = await Promise.all(readers.map((userId) => inbox.countsOfUser(userId)));

    expect(answers.map((counts) => counts.unseen)).toEqual([2, 1, 0, 2, 1, 0, 2]);
    expect(answers[0]).toEqual({ version: 2, unseen: 2, unread: 2, total: 2, categories: {} });
    expect(answers[2]).toEqual({ version: 0, unseen: 0, unread: 0, total: 0, categories: {} });
    expect(queries.mock.calls.length).toBeLessThan(readers.length);
    queries.mockRestore();
  });

  it('sees a change committed before it was asked, though a read of the user started earlier', async () => {
    const userId = newUser();
    const earlier = inbox.countsOfUser(userId);
    await newNotification(notifications, userId, 'a');
    expect((await inbox.countsOfUser(userId)).unseen).toBe(1);
    await earlier;
  });
});
