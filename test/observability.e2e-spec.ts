import type { LoggerService } from '@nestjs/common';
import request from 'supertest';
import { auth, startApp, TEST_TOKEN, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { connectCounted } from './support/devices';
import { newUser } from './support/factories';
import { startServerProcess, stopServerProcesses } from './support/server-process';

jest.setTimeout(60_000);

/** The value of one sample line, exactly as named (labels in the order pns writes them). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Keeps what the app logs as it was handed over (objects stay objects). */
class RecordingLogger implements LoggerService {
  readonly entries: { level: string; message: unknown }[] = [];
  log = (message: unknown) => void this.entries.push({ level: 'log', message });
  error = (message: unknown) => void this.entries.push({ level: 'error', message });
  warn = (message: unknown) => void this.entries.push({ level: 'warn', message });
  debug = (message: unknown) => void this.entries.push({ level: 'debug', message });
  verbose = (message: unknown) => void this.entries.push({ level: 'verbose', message });
}

describe('metrics', () => {
  let pns: RunningApp;

  beforeAll(async () => {
    pns = await startApp(await createTestDatabase());
  });
  afterAll(() => pns.close());

  it('export every pns_* series from the first scrape, at 0', async () => {
    const first = (await request(pns.baseUrl).get('/metrics').expect(200)).text;
    for (const series of [
      'pns_http_requests_total{method="POST",route="/api/notifications",status="5xx"}',
      'pns_http_requests_total{method="GET",route="/api/users/:userId/unseen-count",status="2xx"}',
      'pns_http_requests_total{method="POST",route="/hooks/:secret",status="4xx"}',
      'pns_http_request_duration_seconds_count{method="DELETE",route="/api/notifications/:id"}',
      'pns_device_requests_total{type="unseenNotificationDataRequest",outcome="error"}',
      'pns_device_requests_total{type="invalid",outcome="refused"}',
      'pns_device_request_duration_seconds_count{type="webhookRequest"}',
      'pns_connected_devices{transport="sse"}',
      'pns_frames_sent_total{type="webhook"}',
      'pns_auth_delegation_duration_seconds_count{outcome="unavailable"}',
      'pns_retention_deleted_total{kind="tickets"}',
      'pns_notifications_created_total',
    ]) {
      expect([series, sample(first, series)]).toEqual([series, 0]);
    }
    const families = [...first.matchAll(/^# TYPE (pns_\w+) (\w+)$/gm)].map((match) => match[1]);
    expect(families.length).toBeGreaterThan(10);
    for (const family of families) {
      expect([family, first.split('\n').some((line) => line.startsWith(family) && !line.startsWith('#'))]).toEqual([family, true]);
    }
  });

  it('count HTTP requests by method, route pattern and status class, and time them', async () => {
    const user = newUser();
    const before = (await request(pns.baseUrl).get('/metrics')).text;
    await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId: user, data: {} }).expect(201);
    await request(pns.baseUrl).post('/api/notifications').send({ userId: user, data: {} }).expect(401);
    await request(pns.baseUrl).get(`/no/such/route/${user}`).expect(404);
    const after = (await request(pns.baseUrl).get('/metrics')).text;

    const increase = (series: string) => (sample(after, series) ?? 0) - (sample(before, series) ?? 0);
    expect(increase('pns_http_requests_total{method="POST",route="/api/notifications",status="2xx"}')).toBe(1);
    expect(increase('pns_http_requests_total{method="POST",route="/api/notifications",status="4xx"}')).toBe(1);
    expect(increase('pns_http_request_duration_seconds_count{method="POST",route="/api/notifications"}')).toBe(2);
    expect(increase('pns_http_requests_total{method="GET",route="(unmatched)",status="4xx"}')).toBe(1);
    expect(after).not.toContain(user);
  });

  it('count and time device requests by type and outcome', async () => {
    const device = await connectCounted(pns, newUser());
    const before = (await request(pns.baseUrl).get('/metrics')).text;
    expect(await device.request({ unseenNotificationDataRequest: { limit: 5 } })).toHaveProperty('newNotificationData');
    expect(await device.request({ noSuchRequest: {} })).toMatchObject({ error: { code: 'bad_request' } });
    device.close();
    const after = (await request(pns.baseUrl).get('/metrics')).text;

    const increase = (series: string) => (sample(after, series) ?? 0) - (sample(before, series) ?? 0);
    expect(increase('pns_device_requests_total{type="unseenNotificationDataRequest",outcome="ok"}')).toBe(1);
    expect(increase('pns_device_request_duration_seconds_count{type="unseenNotificationDataRequest"}')).toBe(1);
    expect(increase('pns_device_requests_total{type="invalid",outcome="refused"}')).toBe(1);
  });
});

describe('request logs', () => {
  it('are one entry per request at info, with method, route pattern, status, duration and request id', async () => {
    const logs = new RecordingLogger();
    const pns = await startApp(await createTestDatabase(), {}, logs);
    try {
      const user = newUser();
      await request(pns.baseUrl).get(`/api/users/${user}/unseen-count?connectionId=secret-ticket`).set(auth).set('X-Request-Id', 'trace-42').expect(200);
      const lines = logs.entries.filter(({ message }) => (message as { requestId?: string }).requestId === 'trace-42');
      expect(lines).toEqual([
        {
          level: 'log',
          message: {
            msg: expect.stringMatching(/^GET \/api\/users\/:userId\/unseen-count 200 [\d.]+ms$/),
            method: 'GET',
            route: '/api/users/:userId/unseen-count',
            status: 200,
            durationMs: expect.any(Number),
            requestId: 'trace-42',
          },
        },
      ]);
      expect(JSON.stringify(logs.entries)).not.toMatch(new RegExp(`${user}|secret-ticket|${TEST_TOKEN}`));
    } finally {
      await pns.close();
    }
  });

  it('are JSON objects with those fields in production, at the default level', async () => {
    const server = await startServerProcess({ DATABASE_URL: await createTestDatabase(), NODE_ENV: 'production' });
    try {
      await request(server.baseUrl).get('/api/users/u1/notifications').set(auth).set('X-Request-Id', 'trace-43').expect(200);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const lines = server.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.filter((line) => line.requestId === 'trace-43')).toEqual([
        expect.objectContaining({ level: 'info', context: 'HTTP', method: 'GET', route: '/api/users/:userId/notifications', status: 200, requestId: 'trace-43', time: expect.any(String) }),
      ]);
      expect(server.output()).not.toContain(TEST_TOKEN);
    } finally {
      await stopServerProcesses();
    }
  });
});
