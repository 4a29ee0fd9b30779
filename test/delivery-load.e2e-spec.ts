import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import type { Device } from './support/device';
import { connectCounted, postNotification, unseenCount } from './support/devices';
import { newUser } from './support/factories';

const POSTS = 500;

/**
 * Under a burst, counts may be coalesced and NOTIFYs arrive in any order relative to the
 * commits they announce; what must hold is that once the user is quiet every device's last
 * count is the database's. One flush at a time reads the count and sends it to every device of
 * the user, and a later read sees at least what an earlier one saw: so every device hears the
 * same counts, never one lower than the one before.
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

    await Promise.all(devices.map((device) => device.waitForCount(POSTS)));
    const delivered = performance.now();
    expect(await unseenCount(pns, user)).toBe(POSTS);
    // One more, after the burst: anything stale still on its way would arrive before its count.
    await postNotification(pns, user, 'after the burst');
    await Promise.all(devices.map((device) => device.waitForCount(POSTS + 1)));

    const counts = devices.map((device) => device.frames.map((frame) => frame.newNotificationCountChanged as number));
    process.stdout.write(
      `${POSTS} POSTs answered in ${(posted - started).toFixed(0)} ms, final count on all devices ` +
        `${(delivered - posted).toFixed(0)} ms later; count frames per device: ${counts.map((heard) => heard.length - 1).join(', ')}\n`,
    );
    for (const heard of counts) {
      expect(heard.every((count, index) => index === 0 || count >= heard[index - 1])).toBe(true);
      expect(heard.slice(-2)).toEqual([POSTS, POSTS + 1]);
    }
    // Connecting sent zeros, more to the earlier devices; every count of the burst went to all three.
    const ofTheBurst = counts.map((heard) => heard.filter((count) => count > 0));
    expect(ofTheBurst).toEqual([ofTheBurst[0], ofTheBurst[0], ofTheBurst[0]]);
  });
});
