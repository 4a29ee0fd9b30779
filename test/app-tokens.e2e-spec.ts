import request from 'supertest';
import { startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { newUser } from './support/factories';

jest.setTimeout(30_000);

describe('app tokens', () => {
  let pns: RunningApp;

  beforeAll(async () => {
    pns = await startApp(await createTestDatabase(), {
      APP_TOKEN: 'outgoing-token',
      APP_TOKENS: 'incoming-token',
      APP_READONLY_TOKENS: 'dashboard-token',
    });
  });
  afterAll(() => pns.close());

  const unseenCount = async (userId: string): Promise<number> =>
    (await request(pns.baseUrl).get(`/api/users/${userId}/unseen-count`).set('X-Auth-Token', 'outgoing-token').expect(200)).body.count;

  it('accepts every configured full-access token, so a rotation needs no coordinated restart', async () => {
    const user = newUser();
    await request(pns.baseUrl).post('/api/notifications').set('X-Auth-Token', 'outgoing-token').send({ userId: user, data: 1 }).expect(201);
    await request(pns.baseUrl).post('/api/notifications').set('Authorization', 'Bearer incoming-token').send({ userId: user, data: 2 }).expect(201);
    await request(pns.baseUrl).post('/api/notifications').set('X-Auth-Token', 'retired-token').send({ userId: user, data: 3 }).expect(401);
    expect(await unseenCount(user)).toBe(2);
  });

  it('lets a read-only token read, and refuses it every write with 403, changing nothing', async () => {
    const user = newUser();
    await request(pns.baseUrl).post('/api/notifications').set('X-Auth-Token', 'incoming-token').send({ userId: user, data: {} }).expect(201);
    const readOnly = { 'X-Auth-Token': 'dashboard-token' };

    expect((await request(pns.baseUrl).get(`/api/users/${user}/unseen-count`).set(readOnly).expect(200)).body).toEqual({ userId: user, count: 1, version: 1 });
    expect((await request(pns.baseUrl).get(`/api/users/${user}/notifications`).set(readOnly).expect(200)).body.items).toHaveLength(1);
    await request(pns.baseUrl).head(`/api/users/${user}/unseen-count`).set(readOnly).expect(200);

    const refused = await request(pns.baseUrl).post('/api/notifications').set(readOnly).send({ userId: user, data: {} }).expect(403);
    expect(refused.body).toMatchObject({ statusCode: 403, message: expect.stringMatching(/read-only/) });
    await request(pns.baseUrl).post(`/api/users/${user}/notifications/seen`).set(readOnly).send({ all: true }).expect(403);
    await request(pns.baseUrl).post(`/api/users/${user}/webhooks`).set(readOnly).expect(403);
    await request(pns.baseUrl).delete(`/api/users/${user}/connections`).set(readOnly).expect(403);
    await request(pns.baseUrl).put(`/api/${user}/register`).query({ connectionId: `ticket-${user}` }).set(readOnly).expect(403);

    expect(await unseenCount(user)).toBe(1);
    expect((await request(pns.baseUrl).get(`/api/users/${user}/webhooks`).set(readOnly).expect(200)).body.items).toEqual([]);
  });
});
