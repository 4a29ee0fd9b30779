import { newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { NotificationsModule } from './notifications.module';
import { NotificationsRepository, type NotificationRows } from './notifications.repository';

describe('replace by key in one batch of the insert', () => {
  let context: TestContext;
  let repository: NotificationsRepository;

  beforeAll(async () => {
    context = await TestContext.start({ imports: [NotificationsModule] });
    repository = context.get(NotificationsRepository);
  });
  afterAll(() => context.close());

  const rows = (userIds: string[], data: unknown, key: string | null): NotificationRows => ({
    userIds,
    dataJson: JSON.stringify(data),
    category: null,
    idempotencyKey: null,
    pushPolicy: 'offline',
    pushDisplayJson: null,
    key,
    expiresAt: null,
    renotify: true,
  });

  it('stores two requests of one user and key submitted as one unit one after the other, the later one winning', async () => {
    const [userId, bystander] = [newUser(), newUser()];
    // One unit is one statement unless it must be split: the second request cannot share it.
    const [{ created: first }, { created: second }, { created: third }] = await repository.insert([rows([userId], 'first', 'same'), rows([userId, bystander], 'second', 'same'), rows([bystander], 'plain', null)]);

    expect(first).toEqual([{ id: expect.any(String), userId, createdAt: expect.any(Date) }]);
    // A request's rows come in no particular order (the service orders them by its users).
    expect(second).toHaveLength(2);
    expect(second).toEqual(
      expect.arrayContaining([
        { id: first[0].id, userId, createdAt: first[0].createdAt, replaced: true },
        { id: expect.any(String), userId: bystander, createdAt: expect.any(Date) },
      ]),
    );
    expect(third).toHaveLength(1);
    const stored = await context.prisma.notification.findMany({ where: { userId }, select: { id: true, data: true } });
    expect(stored).toEqual([{ id: BigInt(first[0].id), data: 'second' }]);
    const changes = await context.prisma.inboxChange.findMany({ where: { userId }, orderBy: { version: 'asc' }, select: { type: true } });
    expect(changes.map((change) => change.type)).toEqual(['created', 'updated']);
  });
});
