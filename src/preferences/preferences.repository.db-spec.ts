import { newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { PreferencesModule } from './preferences.module';
import { PreferencesRepository } from './preferences.repository';
import type { Preferences } from './preferences';

/** Concurrent reads share one statement (ingest reads for every notification); each asker gets its own users only. */
describe('PreferencesRepository reads', () => {
  let context: TestContext;
  let repository: PreferencesRepository;

  beforeAll(async () => {
    context = await TestContext.start({ imports: [PreferencesModule] });
    repository = context.get(PreferencesRepository);
  });
  afterAll(() => context.close());

  it('answers each of many concurrent asks with the stored preferences of its own users, and none of the others', async () => {
    const users = Array.from({ length: 40 }, () => newUser());
    const stored = (index: number): Preferences => ({ default: { inbox: true, push: true }, categories: { [`category-${index}`]: { inbox: false } }, quietHours: null });
    // Every other user set preferences; the rest have none stored.
    await Promise.all(users.map((user, index) => (index % 2 === 0 ? repository.save(user, stored(index)) : undefined)));
    const asks = users.map((user, index) => [user, users[(index + 1) % users.length]]);
    const answers = await Promise.all(asks.map((ask) => repository.ofUsers(ask)));
    answers.forEach((answer, index) => {
      const expected = asks[index].flatMap((user) => {
        const position = users.indexOf(user);
        return position % 2 === 0 ? [[user, stored(position)]] : [];
      });
      expect([...answer.entries()].sort()).toEqual(expected.sort());
    });
  });
});
