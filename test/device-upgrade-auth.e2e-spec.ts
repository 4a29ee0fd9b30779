import { startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { Device, UpgradeRefused } from './support/device';
import { connectDevice, postNotification, registerTicket } from './support/devices';
import { FakeDelegate, unreachableUrl } from './support/fake-delegate';
import { newUser } from './support/factories';

const ALLOWED_ORIGIN = 'https://app.example.com';
const DELEGATE_TIMEOUT_MS = 300;

/** The refused upgrade's HTTP status, or a failure if the socket opened. */
async function refusal(connecting: Promise<Device>): Promise<number> {
  try {
    const device = await connecting;
    device.close();
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
  throw new Error('the upgrade was accepted');
}

/** Authentication as the WebSocket upgrade itself is answered (docs/protocol.md, Authentication). */
describe('device authentication at the upgrade', () => {
  let databaseUrl: string;
  let delegate: FakeDelegate;
  let ticketsOnly: RunningApp;
  let delegated: RunningApp;
  let delegateDown: RunningApp;
  const opened: Device[] = [];
  const opens = async (connecting: Promise<Device>) => {
    const device = await connecting;
    opened.push(device);
    return device;
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    delegate = await FakeDelegate.start();
    [ticketsOnly, delegated, delegateDown] = await Promise.all([
      startApp(databaseUrl),
      startApp(databaseUrl, { AUTH_DELEGATE_URL: delegate.url, AUTH_DELEGATE_TIMEOUT_MS: String(DELEGATE_TIMEOUT_MS), ALLOWED_ORIGINS: ALLOWED_ORIGIN }),
      startApp(databaseUrl, { AUTH_DELEGATE_URL: await unreachableUrl() }),
    ]);
  });
  afterEach(() => opened.splice(0).forEach((device) => device.close()));
  afterAll(async () => {
    await Promise.all([ticketsOnly, delegated, delegateDown].map((pns) => pns.close()));
    await delegate.close();
  });

  describe('connection tickets', () => {
    it("accepts a registered ticket as its user's device, any number of times", async () => {
      const user = newUser();
      await postNotification(ticketsOnly, user, 'before');
      const ticket = await registerTicket(ticketsOnly, user);
      for (const device of [await opens(connectDevice(ticketsOnly, user, { ticket })), await opens(connectDevice(ticketsOnly, user, { ticket }))]) {
        expect(await device.nextFrame(() => true, { since: 0 })).toEqual({ newNotificationCountChanged: 1, version: expect.any(Number) });
      }
    });

    it('refuses an unknown ticket, and no ticket without delegation, with 401', async () => {
      expect(await refusal(Device.connect(ticketsOnly.wsUrl, { path: '/subscribe?connectionId=never-registered' }))).toBe(401);
      expect(await refusal(Device.connect(ticketsOnly.wsUrl))).toBe(401);
    });

    it('lets the ticket decide even when delegation is configured and would refuse', async () => {
      const user = newUser();
      delegate.answerWith({ status: 401 });
      const device = await opens(connectDevice(delegated, user));
      expect(await device.nextFrame(() => true, { since: 0 })).toEqual({ newNotificationCountChanged: 0, version: expect.any(Number) });
      expect(await refusal(Device.connect(delegated.wsUrl, { path: '/subscribe?connectionId=never-registered' }))).toBe(401);
    });
  });

  describe('delegation', () => {
    it('accepts the device as the user the application names', async () => {
      const user = newUser();
      await postNotification(delegated, user, 1);
      await postNotification(delegated, user, 2);
      delegate.accept(user);
      const device = await opens(Device.connect(delegated.wsUrl, { headers: { Cookie: 'session=abc', Origin: ALLOWED_ORIGIN } }));
      expect(await device.nextFrame(() => true, { since: 0 })).toEqual({ newNotificationCountChanged: 2, version: expect.any(Number) });
      expect(delegate.lastRequest!.headers).toMatchObject({ cookie: 'session=abc', origin: ALLOWED_ORIGIN });
      // Served as that user: a new notification of theirs reaches this device.
      await postNotification(delegated, user, 3);
      await device.waitForCount(3);
    });

    it.each([401, 403])('answers 401 when the application refuses with %i', async (status) => {
      delegate.answerWith({ status });
      expect(await refusal(Device.connect(delegated.wsUrl))).toBe(401);
    });

    it('answers 503 when the application is unreachable', async () => {
      expect(await refusal(Device.connect(delegateDown.wsUrl))).toBe(503);
    });

    it('answers 503 when the application answers too late', async () => {
      delegate.answerWith({ status: 200, body: { user_id: newUser() }, delayMs: DELEGATE_TIMEOUT_MS * 3 });
      const started = performance.now();
      expect(await refusal(Device.connect(delegated.wsUrl))).toBe(503);
      expect(performance.now() - started).toBeLessThan(DELEGATE_TIMEOUT_MS * 3);
    });

    it('answers 403 to an origin not in ALLOWED_ORIGINS, before asking the application', async () => {
      delegate.accept(newUser());
      const asked = delegate.requests.length;
      expect(await refusal(Device.connect(delegated.wsUrl, { headers: { Origin: 'https://evil.example.net' } }))).toBe(403);
      expect(delegate.requests.length).toBe(asked);
    });
  });
});
