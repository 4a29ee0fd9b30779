import { newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { eventually } from '../../test/support/waiters';
import { Bus } from '../bus/bus';
import { PrismaService } from '../database/prisma.service';
import { PushDeliveryModule } from './push-delivery.module';
import { PushJobsRepository } from './push-jobs.repository';

/** The real repository, counting the worker's polls (subscription checks) and claims. */
class CountingJobs extends PushJobsRepository {
  checks = 0;
  claims = 0;

  override async anySubscription(): Promise<boolean> {
    const found = await super.anySubscription();
    this.checks += 1;
    return found;
  }

  override async claimDue(graceMs: number, limit: number, leaseMs: number): ReturnType<PushJobsRepository['claimDue']> {
    this.claims += 1;
    return super.claimDue(graceMs, limit, leaseMs);
  }
}

describe('PushWorker', () => {
  let context: TestContext;
  let jobs: CountingJobs;

  beforeAll(async () => {
    context = await TestContext.start({
      imports: [PushDeliveryModule],
      override: (builder) => builder.overrideProvider(PushJobsRepository).useClass(CountingJobs),
    });
    jobs = context.get(PushJobsRepository) as CountingJobs;
  });
  afterAll(() => context.close());

  it('claims nothing for announcements while no push subscription exists, and polls for jobs once one does', async () => {
    await eventually(() => jobs.checks >= 1, 'the first poll');
    const bus = context.get(Bus);
    for (let i = 0; i < 50; i++) bus.emit('unseenChanged', newUser(), { version: 1, unseen: 1 });
    // A later poll: any pass the announcements started has run before it.
    const checked = jobs.checks;
    await eventually(() => jobs.checks > checked + 1, 'two more polls');
    expect(jobs.claims).toBe(0);

    await context.get(PrismaService).pushSubscription.create({ data: { userId: newUser(), kind: 'webpush', address: 'https://push.example/endpoint', p256dh: 'key', auth: 'secret' } });
    await eventually(() => jobs.claims > 0, 'a claim once a subscription exists');
  });
});
