import { Agent, request as httpRequest } from 'node:http';
import { auth, startApp } from './support/app';
import { createTestDatabase } from './support/database';
import type { Device } from './support/device';
import { connectCounted } from './support/devices';
import { newUser } from './support/factories';
import { startServerProcess, stopServerProcesses } from './support/server-process';
import { eventually } from './support/waiters';

jest.setTimeout(120_000);
afterEach(stopServerProcesses);

const WRITERS = 20;
const DEVICES = 40;
const SHUTDOWN_TIMEOUT_MS = 10_000;

type Outcome = { at: number; status: number; body: string } | { at: number; error: string };

/** One request on `agent` (a kept-alive connection of its own): its status and body, or the socket error. */
function send(agent: Agent, baseUrl: string, method: string, path: string, body?: unknown): Promise<Outcome> {
  return new Promise((resolve) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const request = httpRequest(`${baseUrl}${path}`, { method, agent, headers: { ...auth, ...(text ? { 'Content-Type': 'application/json' } : {}) } }, (response) => {
      let answer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (answer += chunk));
      response.on('end', () => resolve({ at: performance.now(), status: response.statusCode!, body: answer }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ at: performance.now(), error: error.code ?? error.message }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ at: performance.now(), error: error.code ?? error.message }));
    request.end(text);
  });
}

/** SIGTERM while 20 clients POST on kept-alive connections and 40 devices are connected. */
describe('shutdown under load', () => {
  it('refuses new work at once, answers what was in flight, closes devices in slices and exits 0 within SHUTDOWN_TIMEOUT', async () => {
    const databaseUrl = await createTestDatabase();
    const server = await startServerProcess({ DATABASE_URL: databaseUrl, MIGRATE_ON_START: 'false', SHUTDOWN_TIMEOUT: `${SHUTDOWN_TIMEOUT_MS / 1000}s` });
    const devices: Device[] = [];
    const running = { baseUrl: server.baseUrl, wsUrl: server.wsUrl } as never;
    for (let i = 0; i < DEVICES; i += 1) devices.push(await connectCounted(running, newUser()));
    const closedAt = new Map<Device, number>();
    devices.forEach((device) => device.socket.once('close', () => closedAt.set(device, performance.now())));

    const users = Array.from({ length: WRITERS }, () => newUser());
    const outcomes: Outcome[][] = users.map(() => []);
    const readiness: Outcome[] = [];
    let stopping = false;
    const loop = async (agent: Agent, into: Outcome[], next: () => Promise<Outcome>) => {
      while (!stopping) {
        const outcome = await next();
        into.push(outcome);
        // Gone: the listening socket is closed, this request was never received.
        if ('error' in outcome && outcome.error === 'ECONNREFUSED') return;
      }
      agent.destroy();
    };
    const writers = users.map((user, writer) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      let i = 0;
      return loop(agent, outcomes[writer], () => send(agent, server.baseUrl, 'POST', '/api/notifications', { userId: user, data: { i: i++ } }));
    });
    const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    const prober = loop(probeAgent, readiness, () => send(probeAgent, server.baseUrl, 'GET', '/health/ready'));

    await eventually(() => outcomes.flat().filter((outcome) => 'status' in outcome && outcome.status === 201).length >= 200, 'writes before SIGTERM');
    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    const exitCode = await server.exited;
    const exitedAt = performance.now();
    stopping = true;
    await Promise.all([...writers, prober]);

    expect(exitCode).toBe(0);
    expect(exitedAt - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);

    // Every request was answered 201, or refused with 503 before being processed, or never
    // reached the server (its connection refused): none was cut without an answer.
    const all = outcomes.flat();
    const unexpected = all.filter((outcome) => ('error' in outcome ? outcome.error !== 'ECONNREFUSED' : outcome.status !== 201 && outcome.status !== 503));
    expect(unexpected).toEqual([]);
    const refused = all.filter((outcome) => 'status' in outcome && outcome.status === 503);
    for (const outcome of refused) expect(JSON.parse((outcome as { body: string }).body)).toMatchObject({ statusCode: 503, message: expect.stringMatching(/shutting down/) });

    // Readiness: never 200 again once it first was not, and not 200 for long after the signal.
    const firstNotReady = readiness.findIndex((outcome) => !('status' in outcome) || outcome.status !== 200);
    expect(firstNotReady).toBeGreaterThanOrEqual(0);
    expect(readiness.slice(firstNotReady).filter((outcome) => 'status' in outcome && outcome.status === 200)).toEqual([]);
    expect(readiness[firstNotReady].at - signalledAt).toBeLessThan(1_000);

    // Devices heard 1001 and left over a spread of time, not in one burst.
    await eventually(() => closedAt.size === DEVICES, 'every device closed');
    expect(new Set(devices.map((device) => device.closeCode))).toEqual(new Set([1001]));
    const closeTimes = [...closedAt.values()];
    expect(Math.max(...closeTimes) - Math.min(...closeTimes)).toBeGreaterThan(1_000);

    // What was acknowledged is stored, and nothing refused is.
    const pns = await startApp(databaseUrl);
    try {
      for (const [writer, user] of users.entries()) {
        const response = await fetch(`${pns.baseUrl}/api/users/${user}/notifications?limit=500`, { headers: auth });
        const stored = ((await response.json()) as { items: { data: { i: number } }[] }).items.map((item) => item.data.i).sort((a, b) => a - b);
        const acked = outcomes[writer].flatMap((outcome, i) => ('status' in outcome && outcome.status === 201 ? [i] : []));
        expect(stored).toEqual(acked);
      }
    } finally {
      await pns.close();
    }
  });
});
