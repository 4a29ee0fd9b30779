import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { auth, type RunningApp } from './app';
import { Device } from './device';

/** pns reached over the network: started in this process (startApp) or as its own (startServerProcess). */
export type Pns = Pick<RunningApp, 'baseUrl' | 'wsUrl'>;

/** Registers a connection ticket for the user, as the application backend does. */
export async function registerTicket(pns: Pns, userId: string): Promise<string> {
  const connectionId = randomUUID();
  await request(pns.baseUrl).put(`/api/${encodeURIComponent(userId)}/register`).query({ connectionId }).set(auth).expect(200);
  return connectionId;
}

/** A device of `userId` connected with a fresh ticket; `ticket` reuses one. */
export async function connectDevice(pns: Pns, userId: string, options: { ticket?: string; autoPong?: boolean } = {}): Promise<Device> {
  const ticket = options.ticket ?? (await registerTicket(pns, userId));
  return Device.connect(pns.wsUrl, { path: `/subscribe?connectionId=${encodeURIComponent(ticket)}`, autoPong: options.autoPong });
}

/** Same as connectDevice, and waits for the first frame (the count), so later frames are news. */
export async function connectCounted(pns: Pns, userId: string, options: { ticket?: string; autoPong?: boolean } = {}): Promise<Device> {
  const device = await connectDevice(pns, userId, options);
  await device.nextFrame(() => true, { since: 0 });
  return device;
}

export async function postNotification(pns: Pns, userId: string, data: unknown, category?: string): Promise<string> {
  const response = await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId, data, category }).expect(201);
  return (response.body as { notifications: { id: string }[] }).notifications[0].id;
}

export async function unseenCount(pns: Pns, userId: string): Promise<number> {
  const response = await request(pns.baseUrl).get(`/api/users/${encodeURIComponent(userId)}/unseen-count`).set(auth).expect(200);
  return (response.body as { count: number }).count;
}
