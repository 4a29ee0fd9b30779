import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { auth, startApp, TEST_TOKEN, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { Device } from './support/device';
import { connectCounted, registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { FakeDelegate } from './support/fake-delegate';
import { LogCapture } from './support/log-capture';
import { expectServerBuilt } from './support/build';
import { startServerProcess, stopServerProcesses } from './support/server-process';

jest.setTimeout(60_000);

function metric(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(name));
  if (line === undefined) throw new Error(`no metric ${name} in:\n${text}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics', () => {
  let pns: RunningApp;
  let delegate: FakeDelegate;

  beforeAll(async () => {
    delegate = await FakeDelegate.start();
    pns = await startApp(await createTestDatabase(), { AUTH_DELEGATE_URL: delegate.url });
  });
  afterAll(async () => {
    await pns.close();
    await delegate.close();
  });

  it('exports Prometheus text without a token, with the process defaults and the pool', async () => {
    // A request that reads the database leaves its connection in the pool for the next one.
    await request(pns.baseUrl).get(`/api/users/${newUser()}/unseen-count`).set(auth).expect(200);
    const response = await request(pns.baseUrl).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metric(response.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    const total = metric(response.text, 'pns_db_pool_connections{state="total"}');
    expect(total).toBeGreaterThanOrEqual(1);
    // PrismaService's pool holds at most 20.
    expect(total).toBeLessThanOrEqual(20);
    expect(metric(response.text, 'pns_db_pool_connections{state="idle"}')).toBeLessThanOrEqual(total);
    expect(metric(response.text, 'pns_db_pool_connections{state="waiting"}')).toBe(0);
  });

  it('counts notifications created, devices connected and delegations by outcome', async () => {
    const before = (await request(pns.baseUrl).get('/metrics')).text;
    const user = newUser();
    await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userIds: [user, newUser()], data: {} }).expect(201);
    const byTicket = await connectCounted(pns, user);
    delegate.accept(user);
    const byDelegation = await Device.connect(pns.wsUrl, { headers: { Cookie: 'session=s1' } });
    delegate.answerWith({ status: 401 });
    await expect(Device.connect(pns.wsUrl, { headers: { Cookie: 'session=s2' } })).rejects.toMatchObject({ status: 401 });

    const after = (await request(pns.baseUrl).get('/metrics')).text;
    expect(metric(after, 'pns_notifications_created_total') - metric(before, 'pns_notifications_created_total')).toBe(2);
    expect(metric(after, 'pns_connected_devices{transport="websocket"}')).toBe(2);
    expect(metric(after, 'pns_auth_delegation_duration_seconds_count{outcome="accepted"}')).toBe(1);
    expect(metric(after, 'pns_auth_delegation_duration_seconds_count{outcome="refused"}')).toBe(1);
    byTicket.close();
    byDelegation.close();
  });
});

describe('logs', () => {
  it('never contain the app token, a ticket or a cookie, whatever the requests carry', async () => {
    const logs = new LogCapture();
    const delegate = await FakeDelegate.start();
    const pns = await startApp(await createTestDatabase(), { AUTH_DELEGATE_URL: delegate.url }, logs);
    try {
      const user = newUser();
      const ticket = await registerTicket(pns, user);
      await request(pns.baseUrl).post('/api/notifications').set('Authorization', `Bearer ${TEST_TOKEN}`).send({ userId: user, data: {} }).expect(201);
      await request(pns.baseUrl).post('/api/notifications').set('X-Auth-Token', `${TEST_TOKEN}-wrong`).send({}).expect(401);
      await request(pns.baseUrl).get(`/api/users/${user}/unseen-count?token=${TEST_TOKEN}`).set(auth).expect(200);
      const device = await connectCounted(pns, user, { ticket });
      delegate.answerWith({ status: 503 });
      await expect(Device.connect(pns.wsUrl, { headers: { Cookie: 'session=cookie-secret-1', Authorization: 'Bearer delegated-secret-2' } })).rejects.toMatchObject({
        status: 503,
      });
      device.close();

      expect(logs.lines.length).toBeGreaterThan(5);
      for (const secret of [TEST_TOKEN, ticket, 'cookie-secret-1', 'delegated-secret-2']) {
        expect(logs.lines.filter((line) => line.includes(secret))).toEqual([]);
      }
    } finally {
      await pns.close();
      await delegate.close();
    }
  });

  it('are one JSON object a line in production, without the token', async () => {
    const token = `production-token-${newUser()}`;
    const server = await startServerProcess({ DATABASE_URL: await createTestDatabase(), NODE_ENV: 'production', APP_TOKEN: token, LOG_LEVEL: 'verbose' });
    try {
      await request(server.baseUrl).get('/api/status/ping').set('X-Auth-Token', token).expect(200);
      await request(server.baseUrl).get('/api/users/u/unseen-count').set('X-Auth-Token', token).expect(200);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const lines = server.output().trim().split('\n');
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(lines.some((line) => /GET \/api\/users\/:userId\/unseen-count 200/.test(line))).toBe(true);
      expect(lines.filter((line) => line.includes(token))).toEqual([]);
    } finally {
      await stopServerProcesses();
    }
  });
});

describe('graceful shutdown', () => {
  afterEach(stopServerProcesses);

  it('on SIGTERM closes devices with 1001 and exits 0 within 10 s', async () => {
    const server = await startServerProcess({ DATABASE_URL: await createTestDatabase() });
    const user = newUser();
    const ticket = await registerTicket(server, user);
    const devices = await Promise.all([1, 2, 3].map(() => connectCounted(server, user, { ticket })));

    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await Promise.all(devices.map((device) => device.waitForClose(10_000)))).toEqual([1001, 1001, 1001]);
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('configuration at start', () => {
  beforeAll(expectServerBuilt);

  it('stops with a non-zero exit and a message naming every bad variable', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH, PORT: 'eighty', SEEN_RETENTION: '30 days', AUTH_DELEGATE_URL: 'not-a-url' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toMatch(/SEEN_RETENTION/);
    expect(result.stderr).toMatch(/AUTH_DELEGATE_URL/);
  });

  it('refuses to start in production without APP_TOKEN', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], { env: { PATH: process.env.PATH, NODE_ENV: 'production' }, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/APP_TOKEN/);
  });
});
