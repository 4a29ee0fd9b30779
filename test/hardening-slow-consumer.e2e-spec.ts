import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { auth } from './support/app';
import { createTestDatabase } from './support/database';
import { registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { RawWebSocket } from './support/raw-websocket';
import { startServerProcess, stopServerProcesses, type ServerProcess } from './support/server-process';
import { pollUntil } from './support/waiters';

jest.setTimeout(120_000);
afterEach(stopServerProcesses);

const NOTIFICATIONS = 300;
/** Each answer below carries every notification: about 4.5 MB. */
const DATA = { text: 'x'.repeat(15_000) };
const ASK_FOR_ALL = JSON.stringify({ notificationDataRequest: { receivedAfter: '2000-01-01T00:00:00Z', limit: 500 } });

async function residentBytes(server: ServerProcess): Promise<number> {
  const status = await readFile(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
}

async function connectedDevices(server: ServerProcess, transport = 'websocket'): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  return Number(new RegExp(`^pns_connected_devices\\{transport="${transport}"\\} (\\d+)$`, 'm').exec(text)![1]);
}

async function postMany(server: ServerProcess, userId: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 20) {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${server.baseUrl}/api/notifications`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ userId, data: DATA }) }),
      ),
    );
  }
}

/** A device that asks for answers and never reads them (docs/protocol.md, Heartbeats and limits). */
describe('a device that never reads', () => {
  it('is closed once past MAX_CONNECTION_BUFFER, and the server lets go of what it held', async () => {
    const server = await startServerProcess({ DATABASE_URL: await createTestDatabase(), MIGRATE_ON_START: 'false' });
    const user = newUser();
    await postMany(server, user, NOTIFICATIONS);
    const ticket = await registerTicket({ baseUrl: server.baseUrl } as never, user);
    const before = await residentBytes(server);

    const device = await RawWebSocket.open(server.baseUrl, `/subscribe?connectionId=${ticket}`);
    try {
      device.stopReading();
      expect(await connectedDevices(server)).toBe(1);
      // About 70 MB of answers asked for; a reading device would get them all.
      for (let i = 0; i < 15; i += 1) device.sendText(ASK_FOR_ALL);
      await pollUntil(() => connectedDevices(server), (count) => count === 0, 'the stalled device closed');
      await pollUntil(() => residentBytes(server), (bytes) => bytes < before + 40 * 1024 * 1024, 'memory back near where it was', 30_000);
    } finally {
      device.destroy();
    }
  });

  it('over SSE too: a stream that stops reading while changes are pushed to it ends once past MAX_CONNECTION_BUFFER', async () => {
    const server = await startServerProcess({ DATABASE_URL: await createTestDatabase(), MIGRATE_ON_START: 'false' });
    const user = newUser();
    const ticket = await registerTicket({ baseUrl: server.baseUrl } as never, user);
    const { hostname, port } = new URL(server.baseUrl);
    // Protocol 2: every notification is a change frame carrying it, about 15 KB each.
    const stream = connect(Number(port), hostname);
    try {
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.write(`GET /subscribe?connectionId=${ticket}&protocol=2 HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`);
        stream.once('data', (head: Buffer) => (head.toString('latin1').startsWith('HTTP/1.1 200') ? resolve() : reject(new Error(head.toString('latin1')))));
      });
      stream.pause();
      expect(await connectedDevices(server, 'sse')).toBe(1);
      // Far more than the socket buffers take on loopback (a few MB), past which the server would hold the rest.
      await postMany(server, user, 700);
      await pollUntil(() => connectedDevices(server, 'sse'), (count) => count === 0, 'the stalled stream ended');
    } finally {
      stream.destroy();
    }
  });
});
