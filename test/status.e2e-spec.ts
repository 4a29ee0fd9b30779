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

describe('OpenAPI', () => {
  let pns: RunningApp;
  beforeAll(async () => {
    pns = await startApp(await createTestDatabase());
  });
  afterAll(() => pns.close());

  it('describes the backend API at /docs-json with the app token as a security scheme', async () => {
    const { body } = await request(pns.baseUrl).get('/docs-json').expect(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(body.components.securitySchemes['app-token']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' });
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/notifications',
        '/api/users/{userId}/notifications',
        '/api/users/{userId}/unseen-count',
        '/api/users/{userId}/notifications/seen',
        '/api/notifications/{id}',
        '/api/users/{userId}/connections',
        '/api/{userId}/register',
      ]),
    );
    const create = body.paths['/api/notifications'].post;
    expect(create.security).toEqual(expect.arrayContaining([{ 'app-token': [] }]));
    expect(body.components.schemas.CreateNotificationsBody.properties.data.example).toEqual({ title: 'Your order shipped' });
    expect(create.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/CreatedNotificationsDto');
  });

  it('serves the interactive documentation at /docs', async () => {
    const page = await request(pns.baseUrl).get('/docs').redirects(1).expect(200);
    expect(page.text).toMatch(/swagger/i);
  });
});
