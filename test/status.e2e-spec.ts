import request from 'supertest';
import { startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';

describe('status and unknown routes', () => {
  let pns: RunningApp;
  beforeAll(async () => {
    pns = await startApp(await createTestDatabase());
  });
  afterAll(() => pns.close());

  it('answers ping with pong and info with name and version, without a token', async () => {
    await request(pns.baseUrl).get('/api/status/ping').expect(200, 'pong');
    const info = await request(pns.baseUrl).get('/api/status/info').expect(200);
    expect(info.body).toEqual({ name: 'pns', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('answers an unknown route 404 with the JSON error shape', async () => {
    const response = await request(pns.baseUrl).get('/no/such/route').expect(404);
    expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
  });
});
