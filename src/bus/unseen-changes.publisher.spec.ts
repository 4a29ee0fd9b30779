import { createTestDatabase } from '../../test/support/database';
import { newUser } from '../../test/support/factories';
import { loadConfig } from '../config/config.schema';
import { DatabaseServer } from '../database/database-server';
import { PrismaService } from '../database/prisma.service';
import { Bus } from './bus';
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
  let server: DatabaseServer;
  let prisma: PrismaService;
  let bus: Bus;
  let repository: FlakyRepository;
  let publisher: UnseenChangesPublisher;
  const heard: string[] = [];

  async function heardAll(users: string[], timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!users.every((user) => heard.includes(user))) {
      if (Date.now() > deadline) throw new Error(`not heard: ${users.filter((user) => !heard.includes(user))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  beforeAll(async () => {
    server = await DatabaseServer.start(loadConfig({ DATABASE_URL: await createTestDatabase(), MIGRATE_ON_START: 'false' }));
    prisma = new PrismaService(server);
    bus = new Bus(server);
    await bus.onModuleInit();
    bus.on('unseenChanged', (userId) => heard.push(userId));
  });
  beforeEach(() => {
    repository = new FlakyRepository(prisma);
    publisher = new UnseenChangesPublisher(repository);
  });
  afterAll(async () => {
    await bus.onModuleDestroy();
    await prisma.close();
  });

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
