import request from 'supertest';
import { startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { Device, UpgradeRefused } from './support/device';
import { connectCounted, connectDevice, postNotification, registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { SseDevice } from './support/sse-device';
import { startServerProcess, stopServerProcesses } from './support/server-process';
import { FloodingDevice } from './support/flooding-device';
import { eventually } from './support/waiters';

jest.setTimeout(120_000);

const OTHER_USERS = 10;
const REQUESTS_EACH = 40;
/** Each other device's pace: one request every so often, well within its connection's rate. */
const PACE_MS = 120;
const P99_LIMIT_MS = 50;
const SEEN_REQUEST = { seenNotificationsRequest: { receivedAfter: '2000-01-01T00:00:00Z' } };

/** One noisy device must not make anyone else wait (docs/protocol.md, Heartbeats and limits). */
describe('a device flooding requests', () => {
  afterEach(stopServerProcesses);

  it(`gets rate_limited error frames, then a 1008 close, while other users' p99 stays under ${P99_LIMIT_MS} ms`, async () => {
    const server = await startServerProcess({ DATABASE_URL: await createTestDatabase(), MIGRATE_ON_START: 'false' });
    const running = { baseUrl: server.baseUrl, wsUrl: server.wsUrl } as RunningApp;
    const flooderUser = newUser();
    await postNotification(running, flooderUser, { text: 'x'.repeat(1000) });
    const flooderTicket = await registerTicket(running, flooderUser);
    const others = await Promise.all(
      Array.from({ length: OTHER_USERS }, async () => {
        const user = newUser();
        await postNotification(running, user, 1);
        return connectCounted(running, user);
      }),
    );

    // Other users' requests, each device at its own pace and offset (independent users, not in
    // lockstep): their latencies' 99th percentile.
    const othersP99 = async (requestsEach: number) => {
      const latencies: number[] = [];
      await Promise.all(
        others.map(async (device, index) => {
          await pause((index * PACE_MS) / others.length);
          for (let i = 0; i < requestsEach; i += 1) {
            const started = performance.now();
            const answer = await device.request(SEEN_REQUEST);
            latencies.push(performance.now() - started);
            expect(answer).toHaveProperty('seenNotificationData');
            await pause(PACE_MS);
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      return Math.round(latencies[Math.ceil(latencies.length * 0.99) - 1]);
    };
    // As on a server that has been running: the database pool has opened its connections.
    await othersP99(3);
    const quietP99 = await othersP99(REQUESTS_EACH);
    // Thousands of requests at a time, each a database read, and again as soon as it is let back
    // in: without limits they queue ahead of everyone; answered all at once, a burst's worth
    // hold the whole database pool.
    const flooder = FloodingDevice.start(running, `/subscribe?connectionId=${flooderTicket}`, SEEN_REQUEST);
    const floodedP99 = await othersP99(REQUESTS_EACH);
    const rounds = await flooder.stop();

    expect(rounds.length).toBeGreaterThan(1);
    for (const round of rounds) expect(round).toEqual({ closeCode: 1008, rateLimited: expect.any(Number), otherErrors: [] });
    expect(rounds.every((round) => round.rateLimited > 0)).toBe(true);
    // The same run without the flood, for whoever reads a failure: on a machine too loaded to
    // answer in time even then, the flood is not what is slow.
    expect({ floodedP99, underLimit: floodedP99 < P99_LIMIT_MS, quietP99 }).toEqual({ floodedP99, underLimit: true, quietP99 });
    others.forEach((device) => device.close());
  });
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

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
