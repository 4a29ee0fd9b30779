import request from 'supertest';
import { startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { Device, UpgradeRefused } from './support/device';
import { connectCounted, connectDevice, postNotification, registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { SseDevice } from './support/sse-device';
import { startServerProcess, stopServerProcesses } from './support/server-process';
import { eventually } from './support/waiters';

jest.setTimeout(120_000);

const OTHER_USERS = 10;
const REQUESTS_EACH = 30;

/** One noisy device must not make anyone else wait (docs/protocol.md, Heartbeats and limits). */
describe('a device flooding requests', () => {
  afterEach(stopServerProcesses);

  it('gets rate_limited error frames, then a 1008 close, while other users are answered as fast as ever (p99 under 50 ms)', async () => {
    const server = await startServerProcess({ DATABASE_URL: await createTestDatabase(), MIGRATE_ON_START: 'false' });
    const running = { baseUrl: server.baseUrl, wsUrl: server.wsUrl } as RunningApp;
    const flooderUser = newUser();
    await postNotification(running, flooderUser, { text: 'x'.repeat(1000) });
    const flooder = await connectCounted(running, flooderUser);
    const others = await Promise.all(
      Array.from({ length: OTHER_USERS }, async () => {
        const user = newUser();
        await postNotification(running, user, 1);
        return connectCounted(running, user);
      }),
    );

    // Other users' requests, each well within its connection's 10 a second: their p99 latency.
    const othersP99 = async () => {
      const latencies: number[] = [];
      await Promise.all(
        others.map(async (device) => {
          for (let i = 0; i < REQUESTS_EACH; i += 1) {
            const started = performance.now();
            const answer = await device.request({ seenNotificationsRequest: { receivedAfter: '2000-01-01T00:00:00Z' } });
            latencies.push(performance.now() - started);
            expect(answer).toHaveProperty('seenNotificationData');
            await new Promise((resolve) => setTimeout(resolve, 120));
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      return latencies[Math.ceil(latencies.length * 0.99) - 1];
    };
    const quietP99 = await othersP99();
    // As fast as the socket takes them, each a database read: without limits, thousands queue ahead of everyone.
    for (let i = 0; i < 5_000; i += 1) flooder.send({ seenNotificationsRequest: { receivedAfter: '2000-01-01T00:00:00Z' }, requestId: i });
    const floodedP99 = await othersP99();

    expect(await flooder.waitForClose()).toBe(1008);
    const refused = flooder.frames.filter((frame) => 'error' in frame);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((frame) => (frame.error as { code: string }).code === 'rate_limited' && typeof frame.requestId === 'number')).toBe(true);
    // Under 50 ms on a quiet machine; on a loaded one, no worse than twice what it was without the flood.
    expect(floodedP99).toBeLessThan(Math.max(50, 2 * quietP99));
    others.forEach((device) => device.close());
  });
});

describe('request and connection limits', () => {
  let pns: RunningApp;
  const devices: Device[] = [];
  beforeAll(async () => {
    pns = await startApp(await createTestDatabase(), { DEVICE_REQUEST_RATE: '1', DEVICE_REQUEST_BURST: '3', MAX_CONNECTIONS: '4', MAX_CONNECTIONS_PER_USER: '2' });
  });
  afterEach(() => devices.splice(0).forEach((device) => device.close()));
  afterAll(() => pns.close());

  it('answers POST /subscribe/requests past the rate with 429 and a rate_limited frame', async () => {
    const ticket = await registerTicket(pns, newUser());
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const response = await request(pns.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).send({ webhookRequest: {}, requestId: i });
      statuses.push(response.status);
      if (response.status === 429) expect(response.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) }, requestId: i });
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toContain(429);
  });

  it('refuses a user past MAX_CONNECTIONS_PER_USER with 429, on the WebSocket and SSE alike', async () => {
    const user = newUser();
    devices.push(await connectDevice(pns, user), await connectDevice(pns, user));
    await expect(connectDevice(pns, user)).rejects.toEqual(new UpgradeRefused(429));
    const ticket = await registerTicket(pns, user);
    await expect(SseDevice.open(pns.baseUrl, { path: `/subscribe?connectionId=${ticket}` })).rejects.toMatchObject({ status: 429 });
    const response = await request(pns.baseUrl).get(`/subscribe?connectionId=${ticket}`).set('Accept', 'text/event-stream').expect(429);
    expect(response.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/MAX_CONNECTIONS_PER_USER/) });
  });

  it('refuses anyone past MAX_CONNECTIONS of the instance with 503', async () => {
    for (let i = 0; i < 4; i += 1) devices.push(await connectDevice(pns, newUser()));
    await expect(connectDevice(pns, newUser())).rejects.toEqual(new UpgradeRefused(503));
    const leaving = devices.pop()!;
    leaving.close();
    await leaving.waitForClose();
    await eventually(async () => {
      const device = await connectDevice(pns, newUser()).catch(() => undefined);
      if (device) devices.push(device);
      return device !== undefined;
    }, 'a connection taken again once one left');
  });
});
