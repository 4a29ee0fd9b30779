import { newUser } from '../../test/support/factories';
import { TestContext } from '../../test/support/test-context';
import { PreferencesModule } from '../preferences/preferences.module';
import { PreferencesService } from '../preferences/preferences.service';
import { PushGate } from './push-gate';
import type { ClaimedPushJob } from './push-job';

describe('PushGate: the user preferences on a due push, at an instant the test chooses', () => {
  let context: TestContext;
  let gate: PushGate;
  let preferences: PreferencesService;

  beforeAll(async () => {
    context = await TestContext.start({ imports: [PreferencesModule], providers: [PushGate] });
    gate = context.get(PushGate);
    preferences = context.get(PreferencesService);
  });
  afterAll(() => context.close());

  const job = (userId: string, category: string | null = null, kind: ClaimedPushJob['kind'] = 'notification'): ClaimedPushJob => ({
    id: '1',
    kind,
    attempts: 1,
    subscriptionId: '1',
    provider: 'webpush',
    address: 'https://push.example/1',
    p256dh: null,
    auth: null,
    notification: kind === 'notification' ? { id: '1', userId, data: {}, category, display: null } : undefined,
    clearedIds: kind === 'clear' ? ['1'] : [],
  });

  it('sends when the user set nothing', async () => {
    expect(await gate.verdict(job(newUser()), new Date())).toEqual({ send: true });
  });

  it('drops a push the user turned off, by default or for its category; clears still go', async () => {
    const [off, offForPromo] = [newUser(), newUser()];
    await preferences.update(off, { default: { inbox: true, push: false } });
    await preferences.update(offForPromo, { categories: { promo: { push: false } } });
    expect(await gate.verdict(job(off), new Date())).toEqual({ send: false });
    expect(await gate.verdict(job(off, null, 'clear'), new Date())).toEqual({ send: true });
    expect(await gate.verdict(job(offForPromo, 'promo'), new Date())).toEqual({ send: false });
    expect(await gate.verdict(job(offForPromo, 'orders'), new Date())).toEqual({ send: true });
  });

  it('holds a push in quiet hours across midnight in the user zone until their end, and sends outside them', async () => {
    const userId = newUser();
    // 22:00-07:00 in New York: 03:00-12:00 UTC in December (EST, UTC-5).
    await preferences.update(userId, { quietHours: { timeZone: 'America/New_York', from: '22:00', to: '07:00' } });
    const end = new Date('2026-12-02T12:00:00.000Z');
    // 22:30 on the evening before, local; 01:15 after midnight, local; a minute before the end.
    for (const now of ['2026-12-02T03:30:00.000Z', '2026-12-02T06:15:00.000Z', '2026-12-02T11:59:00.000Z']) {
      expect(await gate.verdict(job(userId), new Date(now))).toEqual({ send: false, postponeUntil: end });
    }
    // 07:00 and 21:59 local (12:00 and 02:59 UTC): outside them, though it is night in UTC at the latter.
    expect(await gate.verdict(job(userId), end)).toEqual({ send: true });
    expect(await gate.verdict(job(userId), new Date('2026-12-03T02:59:00.000Z'))).toEqual({ send: true });
  });
});
