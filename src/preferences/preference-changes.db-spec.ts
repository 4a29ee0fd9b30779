import { newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { eventually } from '../../test/support/waiters';
import { Bus } from '../bus/bus';
import { BusModule } from '../bus/bus.module';
import { PreferenceChanges } from './preference-changes';
import { PreferencesRepository } from './preferences.repository';

/** The real repository, which can be told to fail its next announcements as a database outage would. */
class FlakyRepository extends PreferencesRepository {
  failures = 0;
  calls = 0;

  override async announceChanged(userIds: Iterable<string>): Promise<void> {
    this.calls += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('connection refused');
    }
    await super.announceChanged(userIds);
  }
}

describe('PreferenceChanges', () => {
  let context: TestContext;
  let repository: FlakyRepository;
  let changes: PreferenceChanges;
  const heard: string[] = [];

  beforeAll(async () => {
    // The bus module's start connects the listener, as in the application.
    context = await TestContext.start({ imports: [BusModule] });
    context.get(Bus).on('preferencesChanged', (userId) => heard.push(userId));
  });
  beforeEach(() => {
    repository = new FlakyRepository(context.prisma);
    changes = new PreferenceChanges(repository);
  });
  afterAll(() => context.close());

  it('announces every user published on the bus, unicode and all', async () => {
    const users = [newUser('ü ser/1'), newUser(), newUser()];
    for (const user of users) changes.publish(user);
    await eventually(() => users.every((user) => heard.includes(user)), 'every user heard');
  });

  it('keeps what it could not announce and retries until the database takes it', async () => {
    repository.failures = 2;
    const user = newUser();
    changes.publish(user);
    await eventually(() => heard.includes(user), 'the user heard after two failures');
    expect(repository.calls).toBe(3);
  });
});
