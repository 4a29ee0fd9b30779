import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service';
import { PnsService, prismaTransactionClient } from '../src/pns.module';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { connectCounted } from './support/devices';
import { newUser } from './support/factories';

/**
 * notify inside a Prisma interactive transaction, as a host using Prisma writes it
 * (docs/embedding.md). pns's own Prisma client stands in for the host's: any PrismaClient on
 * the same database behaves alike.
 */

let pns: RunningApp;
let host: PrismaService;
let service: PnsService;

beforeAll(async () => {
  pns = await startApp(await createTestDatabase());
  host = pns.app.get(PrismaService);
  service = pns.app.get(PnsService);
});

afterAll(() => pns.close());

async function listed(userId: string): Promise<unknown[]> {
  return (await request(pns.baseUrl).get(`/api/users/${userId}/notifications`).query({ state: 'all' }).set(auth).expect(200)).body.items;
}

it('stores and announces the notification when the Prisma transaction commits', async () => {
  const userId = newUser();
  const device = await connectCounted(pns, userId);
  const created = await host.$transaction(async (tx) => {
    const [notification] = await service.notify({ userIds: [userId], data: ['any', 'json'] }, { client: prismaTransactionClient(tx) });
    // Not committed yet: nobody else sees it, and the device has heard nothing.
    expect(await listed(userId)).toEqual([]);
    return notification;
  });
  await device.waitForCount(1);
  expect(created).toEqual({ id: expect.stringMatching(/^\d+$/), userId, createdAt: expect.any(Date) });
  expect(await listed(userId)).toEqual([expect.objectContaining({ id: created.id, data: ['any', 'json'] })]);
  expect(device.frames.map((frame) => frame.newNotificationCountChanged)).toEqual([0, 1]);
  device.close();
});

it('leaves nothing when the Prisma transaction rolls back', async () => {
  const userId = newUser();
  const device = await connectCounted(pns, userId);
  await expect(
    host.$transaction(async (tx) => {
      await service.notify({ userIds: [userId], data: 'rolled back' }, { client: prismaTransactionClient(tx) });
      throw new Error('the order failed');
    }),
  ).rejects.toThrow('the order failed');
  // A later notification takes the same path: the device's next count is 1, and nothing came before it.
  await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId, data: 'later' }).expect(201);
  await device.waitForCount(1);
  expect(device.frames.map((frame) => frame.newNotificationCountChanged)).toEqual([0, 1]);
  expect(await listed(userId)).toEqual([expect.objectContaining({ data: 'later' })]);
  device.close();
});
