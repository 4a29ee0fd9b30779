import { newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { NotificationsModule } from './notifications.module';
import { NotificationsRepository, type NotificationRows } from './notifications.repository';

/** One request's bad data in a group-committed INSERT fails that request only. */
describe('NotificationsRepository insert batches', () => {
  let context: TestContext;
  let repository: NotificationsRepository;

  beforeAll(async () => {
    context = await TestContext.start({ imports: [NotificationsModule] });
    repository = context.get(NotificationsRepository);
  });
  afterAll(() => context.close());

  const rows = (userId: string, dataJson: string): NotificationRows => ({ userIds: [userId], dataJson, category: null, idempotencyKey: null, pushPolicy: 'offline', pushDisplayJson: null, key: null, expiresAt: null, renotify: true });

  it('stores every good request of a batch that also carries data jsonb refuses, and fails only that one', async () => {
    const users = Array.from({ length: 30 }, () => newUser());
    // Past the service's checks, as a value PostgreSQL might refuse tomorrow would be.
    const badIndexes = new Set([3, 17, 29]);
    const outcomes = await Promise.allSettled(users.map((user, index) => repository.insert([rows(user, badIndexes.has(index) ? '"\\u0000"' : `{"n": ${index}}`)])));
    outcomes.forEach((outcome, index) => expect(outcome.status).toBe(badIndexes.has(index) ? 'rejected' : 'fulfilled'));
    const stored = await context.prisma.notification.findMany({ where: { userId: { in: users } }, select: { userId: true } });
    expect(stored.map((row) => row.userId).sort()).toEqual(users.filter((_, index) => !badIndexes.has(index)).sort());
  });
});
