import { newNotification, newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { eventually } from '../../test/support/waiters';
import { NotificationsModule } from '../notifications/notifications.module';
import { NotificationsService } from '../notifications/notifications.service';
import { Bus } from './bus';
import { BusModule } from './bus.module';
import { UnseenChangesPublisher } from './unseen-changes.publisher';
import { UnseenChangesRepository } from './unseen-changes.repository';
import type { AnnouncedInbox } from './unseen-changes';

/** The real repository, which can be told to fail its next calls as a database outage would. */
class FlakyRepository extends UnseenChangesRepository {
  failures = 0;
  calls = 0;

  override async announce(channel: string, groups: readonly (readonly string[])[]): ReturnType<UnseenChangesRepository['announce']> {
    this.calls += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('connection refused');
    }
    return super.announce(channel, groups);
  }
}

describe('UnseenChangesPublisher', () => {
  let context: TestContext;
  let repository: FlakyRepository;
  let publisher: UnseenChangesPublisher;
  const heard: string[] = [];

  const heardAll = (users: string[]) => eventually(() => users.every((user) => heard.includes(user)), `every user heard (${users.length})`);

  beforeAll(async () => {
    // The bus module's start connects the listener, as in the application.
    context = await TestContext.start({ imports: [BusModule, NotificationsModule] });
    context.get(Bus).on('unseenChanged', (userId) => heard.push(userId));
  });
  beforeEach(() => {
    repository = new FlakyRepository(context.prisma);
    publisher = new UnseenChangesPublisher(repository);
  });
  afterAll(() => context.close());

  it('announces the users published within one tick in one round trip', async () => {
    const users = Array.from({ length: 50 }, () => newUser());
    for (const user of users) publisher.publish([user]);
    publisher.publish([users[0]]);
    await heardAll(users);
    expect(repository.calls).toBe(1);
  });

  it('announces each user with the version and unseen count committed before, to every instance and at once to its own', async () => {
    const [posted, quiet] = [newUser(), newUser()];
    await newNotification(context.get(NotificationsService), posted);
    await newNotification(context.get(NotificationsService), posted);
    const own: [string, AnnouncedInbox][] = [];
    publisher.on('announced', (userId, inbox) => own.push([userId, inbox]));
    // The notifications service announced its posts too: what the bus hears includes those.
    const onBus: [string, AnnouncedInbox | undefined][] = [];
    context.get(Bus).on('unseenChanged', (userId, inbox) => onBus.push([userId, inbox]));
    publisher.publish([posted, quiet]);
    const announced = (entry: [string, AnnouncedInbox | undefined]) => onBus.some((heard) => JSON.stringify(heard) === JSON.stringify(entry));
    await eventually(() => announced([posted, { version: 2, unseen: 2 }]) && announced([quiet, { version: 0, unseen: 0 }]), 'both users heard on the bus with their counts');
    expect(Object.fromEntries(own)).toEqual({ [posted]: { version: 2, unseen: 2 }, [quiet]: { version: 0, unseen: 0 } });
  });

  it('keeps what it could not announce and retries until the database takes it', async () => {
    repository.failures = 2;
    const user = newUser();
    publisher.publish([user]);
    await heardAll([user]);
    expect(repository.calls).toBe(3);
  });

  it('announces what is still pending when the application shuts down', async () => {
    const user = newUser();
    publisher.publish([user]);
    await publisher.onApplicationShutdown();
    expect(repository.calls).toBe(1);
    await heardAll([user]);
  });
});
