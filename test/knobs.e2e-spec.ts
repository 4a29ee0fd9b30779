import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { newUser } from './support/factories';

jest.setTimeout(30_000);

function metric(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(name));
  if (line === undefined) throw new Error(`no metric ${name}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('operator knobs', () => {
  let pns: RunningApp;

  beforeAll(async () => {
    pns = await startApp(await createTestDatabase(), { DATABASE_POOL_SIZE: '2', WEBHOOK_RATE: '1', WEBHOOK_BURST: '2' });
  });
  afterAll(() => pns.close());

  it('DATABASE_POOL_SIZE bounds the connections the pool opens under concurrent load', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => request(pns.baseUrl).get(`/api/users/${newUser()}/notifications`).set(auth)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const metrics = (await request(pns.baseUrl).get('/metrics').expect(200)).text;
    expect(metric(metrics, 'pns_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(metric(metrics, 'pns_db_pool_connections{state="total"}')).toBeLessThanOrEqual(2);
  });

  it('WEBHOOK_BURST and WEBHOOK_RATE set how many calls one hook takes at once', async () => {
    const created = await request(pns.baseUrl).post(`/api/users/${newUser()}/webhooks`).set(auth).expect(201);
    const hookPath = new URL(created.body.url as string).pathname;
    const statuses: number[] = [];
    for (let call = 0; call < 3; call++) statuses.push((await request(pns.baseUrl).post(hookPath).send({ message: call })).status);
    expect(statuses).toEqual([201, 201, 429]);
  });
});
