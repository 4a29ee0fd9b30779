import Ajv, { type ValidateFunction } from 'ajv';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import type { Device, Frame } from './support/device';
import { FRAMES } from '../src/openapi/device-protocol';
import { connectCounted, postNotification, registerTicket } from './support/devices';
import { newUser } from './support/factories';
import { SseDevice } from './support/sse-device';

/**
 * The API descriptions a client generator reads: /docs-json (OpenAPI) walked route by route,
 * and /docs-asyncapi.json (the device protocol) checked against the frames a running pns sends
 * and takes. ajv comes with the Prisma CLI (a dev dependency), not as a dependency of its own.
 */

type Schema = Record<string, unknown>;
interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

const SERVER_FRAMES_1 = FRAMES.server[1];

let pns: RunningApp;
let openApi: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> } };
let asyncApi: { asyncapi: string; components: { schemas: Record<string, Schema> } };

beforeAll(async () => {
  pns = await startApp(await createTestDatabase());
  openApi = (await request(pns.baseUrl).get('/docs-json').expect(200)).body;
  asyncApi = (await request(pns.baseUrl).get('/docs-asyncapi.json').expect(200)).body;
});

afterAll(() => pns.close());

function operations(): { route: string; operation: Operation }[] {
  return Object.entries(openApi.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })));
}

/** OpenAPI 3.0's `nullable` as JSON Schema, and its component references resolvable by ajv. */
function jsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { nullable, example: _example, ...rest } = schema as Schema;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, key === 'properties' ? Object.fromEntries(Object.entries(value as Schema).map(([name, property]) => [name, jsonSchema(property)])) : jsonSchema(value)]));
  return nullable ? { anyOf: [converted, { type: 'null' }] } : converted;
}

const formats = { 'date-time': (text: string) => !Number.isNaN(Date.parse(text)) };

function openApiValidator(schema: Schema): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, formats });
  ajv.addSchema({ $id: 'openapi', components: { schemas: jsonSchema(openApi.components.schemas) } });
  return ajv.compile(JSON.parse(JSON.stringify(jsonSchema(schema)).replaceAll('"#/components/', '"openapi#/components/')));
}

describe('the OpenAPI description', () => {
  it('names every operation as a method of a generated client: readable and unique', () => {
    const ids = operations().map(({ route, operation }) => [route, operation.operationId] as const);
    for (const [route, id] of ids) expect({ route, id }).toEqual({ route, id: expect.stringMatching(/^[a-z][A-Za-z]+$/) });
    expect(new Set(ids.map(([, id]) => id)).size).toBe(ids.length);
    expect(openApi.paths['/api/notifications'].post.operationId).toBe('createNotifications');
    expect(openApi.paths['/api/users/{userId}/notifications'].get.operationId).toBe('listNotifications');
  });

  it('gives every 4xx and 5xx answer of every route the error body', () => {
    const errorSchemas = new Set(['#/components/schemas/Error', '#/components/schemas/ErrorWithVersion']);
    // The readiness and liveness probes answer 503 with their health report instead.
    const missing = operations().flatMap(({ route, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => !(route.startsWith('GET /health/') && status === '503'))
        .filter(([status, response]) => Number(status) >= 400 && !errorSchemas.has(String(response.content?.['application/json']?.schema.$ref)))
        .map(([status]) => `${route} ${status}`),
    );
    expect(missing).toEqual([]);
    expect(openApi.components.schemas.Error).toMatchObject({ required: ['statusCode', 'error', 'message'] });
    for (const { operation } of operations()) expect(operation.responses).toHaveProperty('500');
  });

  it('lists the statuses routes answer besides success', () => {
    const statuses = (path: string, method: string) => Object.keys(openApi.paths[path][method].responses);
    expect(statuses('/api/users/{userId}/webhooks', 'post')).toEqual(expect.arrayContaining(['401', '409', '413', '503']));
    expect(statuses('/hooks/{secret}', 'post')).toEqual(expect.arrayContaining(['404', '413', '429', '503']));
    expect(statuses('/api/users/{userId}/changes', 'get')).toEqual(expect.arrayContaining(['400', '410', '503']));
    expect(openApi.paths['/api/users/{userId}/changes'].get.responses['410'].content?.['application/json'].schema.$ref).toBe('#/components/schemas/ErrorWithVersion');
    expect(statuses('/api/notifications', 'post')).toEqual(expect.arrayContaining(['400', '401', '409', '413', '503']));
  });

  it('describes the app token as an API key header and a bearer token, not a JWT', () => {
    expect(openApi.components.securitySchemes['app-token']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' });
    expect(openApi.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(JSON.stringify(openApi.components.securitySchemes)).not.toMatch(/JWT/i);
  });

  it('lets data be any JSON, as the answers of a running pns have it', async () => {
    const userId = newUser();
    for (const data of [null, 'text', [1, 'two'], 3.5, false, { nested: { deep: [] } }]) {
      await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId, data }).expect(201);
    }
    const page = await request(pns.baseUrl).get(`/api/users/${userId}/notifications`).query({ state: 'all' }).set(auth).expect(200);
    const pageSchema = openApi.paths['/api/users/{userId}/notifications'].get.responses['200'].content!['application/json'].schema;
    const validate = openApiValidator(pageSchema);
    expect({ valid: validate(page.body), errors: validate.errors }).toEqual({ valid: true, errors: null });
    expect((page.body as { items: unknown[] }).items).toHaveLength(6);
    const requestSchema = openApiValidator({ $ref: '#/components/schemas/CreateNotificationsBody' });
    expect(requestSchema({ userId, data: null })).toBe(true);
    expect(requestSchema({ userId, data: ['a'] })).toBe(true);
  });
});

describe('the device protocol description', () => {
  let validators: Map<string, ValidateFunction>;
  const matching = (frame: unknown, names: readonly string[]) => names.filter((name) => validators.get(name)!(frame));

  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true, formats });
    ajv.addSchema({ $id: 'asyncapi', components: { schemas: asyncApi.components.schemas } });
    validators = new Map(Object.keys(asyncApi.components.schemas).map((name) => [name, ajv.getSchema(`asyncapi#/components/schemas/${name}`)!]));
  });

  it('is AsyncAPI 3 with every frame of both protocols', () => {
    expect(asyncApi.asyncapi).toBe('3.0.0');
    expect(Object.keys(asyncApi.components.schemas)).toEqual(expect.arrayContaining(['CountFrame', 'ErrorFrame', 'UnseenDataRequest', 'CountsFrame', 'ChangeFrame', 'ResyncFrame']));
  });

  it('matches every frame a running pns sends a protocol-1 device, and every request it answers', async () => {
    const userId = newUser();
    await postNotification(pns, userId, null, 'orders');
    await postNotification(pns, userId, ['any', 'json']);
    const device: Device = await connectCounted(pns, userId);
    const sent: unknown[] = [
      'unseenNotificationDataRequest',
      { seenNotificationsRequest: { receivedAfter: '2000-01-01T00:00:00Z', limit: 5 } },
      { notificationDataRequest: { limit: 5 } },
      { unseenNotificationDataRequest: { limit: 2 } },
      { webhookRequest: {} },
      { pushUnsubscribeRequest: { id: '1' } },
      { preferencesUpdate: { categories: { orders: { push: false } }, quietHours: { timeZone: 'Europe/Berlin', from: '22:00', to: '07:00' } } },
      { preferencesRequest: {} },
    ];
    for (const frame of sent) {
      if (typeof frame === 'string') {
        const since = device.frames.length;
        device.send(JSON.stringify(frame));
        await device.nextFrame((answer) => 'newNotificationData' in answer, { since });
      } else {
        await device.request(frame as Frame);
      }
    }
    await device.request({ notARequest: {} });
    device.close();

    const deviceSchemas = asyncApi.components.schemas;
    const requestNames = Object.keys(deviceSchemas).filter((name) => name.endsWith('Request'));
    for (const frame of sent) expect({ frame, matches: matching(typeof frame === 'string' ? frame : { ...(frame as Frame), requestId: 'r-1' }, requestNames) }).toEqual({ frame, matches: [expect.any(String)] });
    const serverNames = FRAMES.server[1];
    for (const frame of device.frames) expect({ frame, matches: matching(frame, serverNames) }).toEqual({ frame, matches: [expect.any(String)] });
    // The run produced each kind it should have: a description that matched nothing would fail above.
    const kinds = new Set(device.frames.flatMap((frame) => matching(frame, serverNames)));
    expect([...kinds].sort()).toEqual(['CountFrame', 'ErrorFrame', 'NotificationDataAnswer', 'PreferencesFrame', 'SeenDataAnswer', 'UnseenDataAnswer', 'WebhookAnswer'].concat(kinds.has('PushUnsubscribedAnswer') ? ['PushUnsubscribedAnswer'] : []).sort());
  });

  it('matches the events and answers of a protocol-1 device on Server-Sent Events', async () => {
    const userId = newUser();
    const ticket = await registerTicket(pns, userId);
    const stream = await SseDevice.open(pns.baseUrl, { path: `/subscribe?connectionId=${ticket}` });
    await postNotification(pns, userId, 'over SSE');
    await stream.waitForCount(1);
    const answers = [];
    for (const frame of ['"unseenNotificationDataRequest"', '{"seenNotificationsRequest":{"receivedAfter":"2000-01-01T00:00:00Z"},"requestId":7}', '{"nope":1}']) {
      answers.push((await request(pns.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).set('Content-Type', 'text/plain').send(frame)).body);
    }
    stream.close();
    const frames = [...stream.events.map((event) => ({ [event.event]: event.data })), ...answers];
    for (const frame of frames) expect({ frame, matches: matching(frame, SERVER_FRAMES_1) }).toEqual({ frame, matches: [expect.any(String)] });
    expect(new Set(frames.flatMap((frame) => matching(frame, SERVER_FRAMES_1)))).toEqual(new Set(['CountFrame', 'UnseenDataAnswer', 'SeenDataAnswer', 'ErrorFrame']));
  });

  it('refuses frames that are not the protocol', () => {
    expect(matching({ newNotificationCountChanged: -1 }, ['CountFrame'])).toEqual([]);
    expect(matching({ newNotificationData: [{ id: '1' }] }, ['UnseenDataAnswer'])).toEqual([]);
    expect(matching({ seenNotificationsRequest: {} }, ['SeenDataRequest'])).toEqual([]);
  });
});
