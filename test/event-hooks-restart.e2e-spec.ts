import request from 'supertest';
import { auth } from './support/app';
import { createTestDatabase } from './support/database';
import { EventReceiver } from './support/event-receiver';
import { newUser } from './support/factories';
import { pollUntil } from './support/waiters';
import { startServerProcess, stopServerProcesses } from './support/server-process';

jest.setTimeout(90_000);
afterEach(stopServerProcesses);

const EVENTS = { EVENT_HOOK_ALLOW_PRIVATE: 'true', EVENT_HOOK_POLL_INTERVAL: '50ms', EVENT_HOOK_RETRY_FIRST: '50ms', EVENT_HOOK_RETRY_MAX: '200ms', EVENT_HOOK_TIMEOUT: '2s' };

it('delivers after a restart the events of changes made before a kill -9', async () => {
  let accepting = false;
  const receiver = await EventReceiver.start(() => (accepting ? 200 : 503));
  try {
    const databaseUrl = await createTestDatabase();
    const first = await startServerProcess({ DATABASE_URL: databaseUrl, ...EVENTS });
    await request(first.baseUrl).post('/api/event-hooks').set(auth).send({ url: receiver.url, events: ['notification.created'] }).expect(201);
    const userId = newUser();
    const posted = await request(first.baseUrl).post('/api/notifications').set(auth).send({ userIds: [userId, newUser(), newUser()], data: {} }).expect(201);
    const ids = posted.body.notifications.map((notification: { id: string }) => notification.id).sort();
    first.child.kill('SIGKILL');
    await first.exited;
    expect(receiver.accepted()).toEqual([]);

    accepting = true;
    await startServerProcess({ DATABASE_URL: databaseUrl, ...EVENTS });
    const accepted = await pollUntil(() => receiver.accepted(), (calls) => new Set(calls.map((call) => call.id)).size === 3, 'the 3 events after the restart');
    expect(accepted.map((call) => (call.event.data.ids as string[])[0]).sort()).toEqual(ids);
  } finally {
    await receiver.close();
  }
});
