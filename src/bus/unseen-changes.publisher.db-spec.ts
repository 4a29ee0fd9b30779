import { newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { eventually } from '../../test/support/waiters';
import { Bus } from './bus';
import { BusModule } from './bus.module';
import { UnseenChangesPublisher } from './unseen-changes.publisher';
import { UnseenChangesRepository } from './unseen-changes.repository';

/** The real repository, which can be told to fail its next calls as a database outage would. */
class FlakyRepository extends UnseenChangesRepository {
  failures = 0;
  calls = 0;

  override async notify(channel: string, payloads: readonly string[]): Promise<void> {
    this.calls += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('connection refused');
    }
    await super.notify(channel, payloads);
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
    context = await TestContext.start({ imports: [BusModule] });
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
