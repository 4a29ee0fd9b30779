import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import request from 'supertest';
import { freePort } from '../src/database/embedded-postgres';
import { auth, TEST_TOKEN } from './support/app';
import { expectClientBuilt } from './support/build';
import { createEmptyDatabase } from './support/database';
import { Device } from './support/device';
import { newUser } from './support/factories';
import { SseDevice } from './support/sse-device';
import { pollUntil } from './support/waiters';

/**
 * The example host application (examples/nest-host), built and run as its own process with pns
 * mounted under /pns: its devices connect through the host's server, the host notifies in its
 * own transactions, and its own routes are untouched. It runs from a folder of its own, as a
 * host installed elsewhere would, on a database pns has not migrated yet, through the host's pool.
 */

const EXAMPLE = 'examples/nest-host';
const HOST_MAIN = resolve(`${EXAMPLE}/dist/${EXAMPLE}/src/main.js`);
const BUILD_TIMEOUT_MS = 180_000;
/** The example's pool's sessions (examples/nest-host/src/host-database.ts). */
const HOST_APPLICATION_NAME = 'nest-host';

interface Host {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly wsUrl: string;
  readonly exited: Promise<unknown>;
  output(): string;
}

let databaseUrl: string;
/** The host's working directory: not this repository, so nothing pns reads may depend on it. */
let elsewhere: string;
const running = new Set<Host>();

async function startHost(): Promise<Host> {
  const port = await freePort();
  const child = spawn(process.execPath, [HOST_MAIN], {
    cwd: elsewhere,
    env: { PATH: process.env.PATH, PORT: String(port), DATABASE_URL: databaseUrl, PNS_APP_TOKEN: TEST_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const host: Host = { child, baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, exited, output: () => output };
  running.add(host);
  void exited.then(() => running.delete(host));
  let ended = false;
  void exited.then(() => (ended = true));
  await pollUntil(() => ended || /host listening on port/.test(output), (done) => done, 'the host to start', 60_000);
  if (ended) throw new Error(`the host exited during start:\n${output}`);
  return host;
}

function connectAs(host: Host, userId: string, path = '/pns/subscribe'): Promise<Device> {
  return Device.connect(host.wsUrl, { path, headers: { Cookie: `session=${userId}` } });
}

function counts(device: Device): number[] {
  return device.frames.filter((frame) => 'newNotificationCountChanged' in frame).map((frame) => frame.newNotificationCountChanged as number);
}

/** Starts a checkout; resolves once its order and notification are written and its transaction waits for the payment. */
async function checkoutAwaitingPayment(host: Host, userId: string): Promise<{ ref: string; answer: Promise<request.Response | Error> }> {
  const ref = `order-${newUser()}`;
  let answered: request.Response | undefined;
  const answer = request(host.baseUrl)
    .post('/checkouts')
    .send({ ref, userId, item: 'a book' })
    .then(
      (response) => (answered = response),
      // The host may be killed while it waits (the crash test): no answer then.
      (error: Error) => error,
    );
  await pollUntil(
    async () => answered ?? ((await request(host.baseUrl).get(`/checkouts/${ref}`)).body as { awaitingPayment: boolean }),
    (status) => answered !== undefined || ('awaitingPayment' in status && status.awaitingPayment),
    `checkout ${ref} to await payment`,
  );
  if (answered) throw new Error(`the checkout ended before its payment: ${answered.status} ${JSON.stringify(answered.body)}\n${host.output()}`);
  return { ref, answer };
}

async function notificationsOf(host: Host, userId: string): Promise<unknown[]> {
  const response = await request(host.baseUrl).get(`/pns/api/users/${userId}/notifications`).query({ state: 'all' }).set(auth).expect(200);
  return (response.body as { items: unknown[] }).items;
}

/** Asked of the database as a DBA would: which migrations are recorded, which sessions are open. */
async function inDatabase<T>(query: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await query(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await expectClientBuilt();
  await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `${EXAMPLE}/tsconfig.json`]);
  databaseUrl = await createEmptyDatabase();
  elsewhere = await mkdtemp(join(tmpdir(), 'pns-host-cwd-'));
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  if (elsewhere) await rm(elsewhere, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(
    [...running].map(async (host) => {
      host.child.kill('SIGTERM');
      const killer = setTimeout(() => host.child.kill('SIGKILL'), 10_000);
      await host.exited;
      clearTimeout(killer);
    }),
  );
});

describe('pns mounted under /pns in a host application', () => {
  it("migrates its tables and serves its client from its own package, started from another folder, sharing the host's pool", async () => {
    const host = await startHost();
    const shipped = (await readdir('prisma/migrations', { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    const applied = await inDatabase(async (client) => (await client.query<{ name: string }>('SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1')).rows.map((row) => row.name));
    expect(applied).toEqual(shipped);
    const script = await request(host.baseUrl).get('/pns/client.js').expect(200);
    expect(script.text).toBe(await readFile('dist/client/pns-client.js', 'utf8'));

    // pns's statements go through the host's pool: its sessions are the pool's, beside pns's one LISTEN session.
    await request(host.baseUrl).post('/pns/api/notifications').set(auth).send({ userIds: [newUser(), newUser()], data: 'shared pool' }).expect(201);
    const sessions = await inDatabase(async (client) => {
      const { rows } = await client.query<{ name: string }>('SELECT application_name AS name FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      return rows.map((row) => row.name.replace(/^pns-bus:.*/, 'pns-bus'));
    });
    expect(sessions).toContain(HOST_APPLICATION_NAME);
    expect(sessions.filter((name) => name !== HOST_APPLICATION_NAME)).toEqual(['pns-bus']);
  });

  it("serves its routes under /pns and leaves the host's own routes alone", async () => {
    const host = await startHost();
    await request(host.baseUrl).get('/hello').expect(200, { hello: 'from the host' });
    // The host's own 404, for what neither the host nor pns (at its path) serves.
    await request(host.baseUrl).get('/api/status/ping').set(auth).expect(404);
    await request(host.baseUrl).get('/pns/api/status/ping').set(auth).expect(200);
    await request(host.baseUrl).post('/pns/api/notifications').send({ userId: newUser(), data: null }).expect(401);
    const refused = await request(host.baseUrl).post('/pns/api/notifications').set(auth).send({ userId: newUser(), data: 1, unknown: true }).expect(400);
    expect(refused.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const preflight = await request(host.baseUrl).options('/pns/subscribe/requests').set('Origin', 'https://app.example').set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
  });

  it('hands out webhook URLs under /pns that take any JSON body through the host server', async () => {
    const host = await startHost();
    const userId = newUser();
    const device = await connectAs(host, userId);
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 0, { since: 0 });
    const { url } = (await request(host.baseUrl).post(`/pns/api/users/${userId}/webhooks`).set(auth).expect(201)).body as { url: string };
    const path = new URL(url).pathname;
    expect(path).toMatch(/^\/pns\/hooks\//);
    // Labelled JSON, so the host's parser would have taken it: pns's text body reads it first.
    await request(host.baseUrl).post(path).set('Content-Type', 'application/json').send('["a", "bare", "array"]').expect(201);
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 1);
    expect(await notificationsOf(host, userId)).toEqual([expect.objectContaining({ data: ['a', 'bare', 'array'] })]);
    device.socket.close();
  });

  it("lets in only devices the host's verify function names, on /pns/subscribe over WebSocket and SSE", async () => {
    const host = await startHost();
    await expect(Device.connect(host.wsUrl, { path: '/pns/subscribe' })).rejects.toMatchObject({ status: 401 });
    const device = await connectAs(host, newUser());
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 0, { since: 0 });
    const sse = await SseDevice.open(host.baseUrl, { path: '/pns/subscribe', headers: { Cookie: `session=${newUser()}` } });
    expect(sse.response.statusCode).toBe(200);
    sse.close();
    device.socket.close();
  });

  it('announces a notification written in the host transaction only when it commits', async () => {
    const host = await startHost();
    const userId = newUser();
    const device = await connectAs(host, userId);
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 0, { since: 0 });

    const { ref, answer } = await checkoutAwaitingPayment(host, userId);
    expect(await notificationsOf(host, userId)).toEqual([]);
    // Written, not committed: the device has heard nothing of it. (A write for the same user
    // would wait for the commit, as it needs the user's counts row; a device request reads.)
    await device.request({ seenNotificationsRequest: {} });
    expect(counts(device)).toEqual([0]);

    await request(host.baseUrl).post(`/checkouts/${ref}/paid`).expect(204);
    expect(await answer).toMatchObject({ status: 201, body: { ref, outcome: 'paid' } });
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 1);
    expect(counts(device)).toEqual([0, 1]);
    expect(await notificationsOf(host, userId)).toEqual([expect.objectContaining({ data: { order: ref, item: 'a book' }, category: 'orders' })]);

    // The host's own routes read and mark the inbox through PnsService.
    const session = { Cookie: `session=${userId}` };
    await request(host.baseUrl).get('/me/counts').set(session).expect(200).expect(({ body }) => expect(body).toMatchObject({ unseen: 1, unread: 1, version: 1, categories: { orders: { unread: 1 } } }));
    await request(host.baseUrl).post('/me/read-all').set(session).expect(201).expect(({ body }) => expect(body).toMatchObject({ updated: 1, counts: { unread: 0, version: 2 } }));
    await request(host.baseUrl).get('/me/changes').query({ since: 1 }).set(session).expect(200).expect(({ body }) => expect(body).toMatchObject({ version: 2, changes: [{ version: 2, type: 'read' }] }));
    device.socket.close();
  });

  it('leaves no trace of a notification whose host transaction rolls back', async () => {
    const host = await startHost();
    const userId = newUser();
    const device = await connectAs(host, userId);
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 0, { since: 0 });

    const { ref, answer } = await checkoutAwaitingPayment(host, userId);
    await request(host.baseUrl).post(`/checkouts/${ref}/failed`).expect(204);
    expect(await answer).toMatchObject({ status: 201, body: { ref, outcome: 'failed' } });

    // A later notification takes the same path: the device's first news is its count of 1.
    await request(host.baseUrl).post('/pns/api/notifications').set(auth).send({ userId, data: 'after the rollback' }).expect(201);
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 1);
    expect(counts(device)).toEqual([0, 1]);
    expect(await notificationsOf(host, userId)).toEqual([expect.objectContaining({ data: 'after the rollback' })]);
    const changes = await request(host.baseUrl).get(`/pns/api/users/${userId}/changes`).query({ since: 0 }).set(auth).expect(200);
    expect(changes.body).toMatchObject({ version: 1, changes: [{ version: 1, type: 'created' }] });
    device.socket.close();
  });

  it('stores nothing when the host dies (kill -9) before its transaction commits', async () => {
    const crashing = await startHost();
    const userId = newUser();
    await checkoutAwaitingPayment(crashing, userId);
    crashing.child.kill('SIGKILL');
    await crashing.exited;

    const host = await startHost();
    const device = await connectAs(host, userId);
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 0, { since: 0 });
    expect(await notificationsOf(host, userId)).toEqual([]);
    const changes = await request(host.baseUrl).get(`/pns/api/users/${userId}/changes`).query({ since: 0 }).set(auth).expect(200);
    expect(changes.body).toMatchObject({ version: 0, changes: [] });
    device.socket.close();
  });
});
