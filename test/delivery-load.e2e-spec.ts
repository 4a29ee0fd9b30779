import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import type { Device } from './support/device';
import { connectCounted, unseenCount } from './support/devices';
import { newUser } from './support/factories';

const POSTS = 500;

/**
 * Under a burst, counts may be coalesced and NOTIFYs arrive in any order relative to the
 * commits they announce; what must hold is that once the user is quiet every device's last
 * count is the database's.
 */
describe('count delivery under a burst', () => {
  let pns: RunningApp;
  let devices: Device[];
  beforeAll(async () => {
    pns = await startApp(await createTestDatabase());
  });
  afterAll(async () => {
    devices?.forEach((device) => device.close());
    await pns.close();
  });

  it(`${POSTS} concurrent POSTs for one user leave each of its 3 devices at ${POSTS}`, async () => {
    const user = newUser();
    devices = [await connectCounted(pns, user), await connectCounted(pns, user), await connectCounted(pns, user)];

    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: POSTS }, (_, n) =>
        fetch(`${pns.baseUrl}/api/notifications`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ userId: user, data: { n } }),
        }).then((response) => response.status),
      ),
    );
    const posted = performance.now();
    expect(statuses.every((status) => status === 201)).toBe(true);

    await Promise.all(devices.map((device) => device.waitForCount(POSTS, 10_000)));
    const delivered = performance.now();
    // Quiet now: nothing stale may arrive after the final count.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(devices.map((device) => device.lastCount)).toEqual([POSTS, POSTS, POSTS]);
    expect(await unseenCount(pns, user)).toBe(POSTS);

    const frames = devices.map((device) => device.frames.length - 1);
    process.stdout.write(
      `${POSTS} POSTs answered in ${(posted - started).toFixed(0)} ms, final count on all devices ` +
        `${(delivered - posted).toFixed(0)} ms later; count frames per device: ${frames.join(', ')}\n`,
    );
    // Coalesced, never more frames than changes.
    for (const count of frames) expect(count).toBeLessThanOrEqual(POSTS);
  });
});
