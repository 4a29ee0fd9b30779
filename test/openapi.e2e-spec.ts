import { createECDH, randomBytes } from 'node:crypto';
import Ajv, { type ValidateFunction } from 'ajv';
import pg from 'pg';
import request from 'supertest';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { DatabaseClient } from './support/database-client';
import { Device, type Frame } from './support/device';
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
const NOTIFICATION_DATA = 'data';
interface Operation {
  operationId?: string;
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

/** A token that may only read (APP_READONLY_TOKENS). */
const READ_ONLY_TOKEN = 'a-read-only-token-for-the-openapi-spec';
/** An origin PUSH_ENDPOINTS allows, so that a device can subscribe (nothing is ever pushed to it: the devices stay connected). */
const PUSH_SERVICE = 'https://push.example.net';

let pns: RunningApp;
let database: DatabaseClient;
let openApi: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> } };
let asyncApi: { asyncapi: string; components: { schemas: Record<string, Schema> } };

beforeAll(async () => {
  const url = await createTestDatabase();
  pns = await startApp(url, { PUSH_ENDPOINTS: PUSH_SERVICE, APP_READONLY_TOKENS: READ_ONLY_TOKEN });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  database = new DatabaseClient(client);
  openApi = (await request(pns.baseUrl).get('/docs-json').expect(200)).body;
  asyncApi = (await request(pns.baseUrl).get('/docs-asyncapi.json').expect(200)).body;
});

afterAll(async () => {
  await database?.end();
  await pns?.close();
});

function operations(): { route: string; method: string; path: string; operation: Operation }[] {
  return Object.entries(openApi.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, method, path, operation })));
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
    const errorSchemas = new Set(['#/components/schemas/Error', '#/components/schemas/ErrorWithVersion', '#/components/schemas/DeviceErrorFrame']);
    // The readiness and liveness probes answer 503 with their health report instead.
    const missing = operations().flatMap(({ route, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => !(route.startsWith('GET /health/') && status === '503'))
        .filter(([status, response]) => Number(status) >= 400 && !errorSchemas.has(String(response.content?.['application/json']?.schema.$ref)))
        .map(([status]) => `${route} ${status}`),
    );
    expect(missing).toEqual([]);
    expect(openApi.components.schemas.Error).toMatchObject({ required: ['statusCode', 'error', 'message'] });
  });

  it('lists on every route the statuses its kind of route can answer', () => {
    // What each rule's routes answer: any route may fail (500); the app token's routes refuse a
    // missing token (401) and bad input (400), and a read-only token's writes (403); a body may
    // be too large (413) or wrong (400); a route naming a resource by id may not find it (404).
    const rules: [string, (entry: ReturnType<typeof operations>[number]) => boolean, string[]][] = [
      ['any route', () => true, ['500']],
      ['an app-token route', ({ operation }) => (operation.security ?? []).some((requirement) => 'app-token' in requirement), ['400', '401']],
      ['an app-token write', ({ method, operation }) => method !== 'get' && (operation.security ?? []).some((requirement) => 'app-token' in requirement), ['403']],
      ['a route with a body', ({ operation }) => operation.requestBody !== undefined, ['400', '413']],
      ['a route with parameters', ({ operation }) => (operation.parameters ?? []).some((parameter) => parameter.in === 'query' || parameter.name === 'userId'), ['400']],
      ['a route of one resource by id', ({ path }) => path.includes('{id}'), ['404']],
      ['a device route', ({ path }) => path.startsWith('/subscribe'), ['401', '403', '429']],
    ];
    const missing = operations().flatMap((entry) =>
      rules.flatMap(([rule, applies, statuses]) => (applies(entry) ? statuses.filter((status) => !(status in entry.operation.responses)).map((status) => `${entry.route} ${status} (${rule})`) : [])),
    );
    expect(missing).toEqual([]);
  });

  it('lists the statuses routes answer besides success', () => {
    const statuses = (path: string, method: string) => Object.keys(openApi.paths[path][method].responses);
    expect(statuses('/api/users/{userId}/webhooks', 'post')).toEqual(expect.arrayContaining(['401', '403', '409', '413', '503']));
    expect(statuses('/hooks/{secret}', 'post')).toEqual(expect.arrayContaining(['404', '413', '429', '503']));
    expect(statuses('/api/users/{userId}/changes', 'get')).toEqual(expect.arrayContaining(['400', '410', '503']));
    expect(openApi.paths['/api/users/{userId}/changes'].get.responses['410'].content?.['application/json'].schema.$ref).toBe('#/components/schemas/ErrorWithVersion');
    expect(statuses('/api/notifications', 'post')).toEqual(expect.arrayContaining(['400', '401', '403', '409', '413', '503']));
    expect(statuses('/subscribe', 'get')).toEqual(expect.arrayContaining(['400', '401', '403', '406', '429', '503']));
    expect(statuses('/subscribe/requests', 'post')).toEqual(expect.arrayContaining(['400', '401', '403', '413', '429']));
    for (const status of ['400', '429']) expect(openApi.paths['/subscribe/requests'].post.responses[status].content?.['application/json'].schema.$ref).toBe('#/components/schemas/DeviceErrorFrame');
  });

  it('describes the error bodies running pns answers, status by status', async () => {
    const userId = newUser();
    await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId, data: 1 }).expect(201);
    await request(pns.baseUrl).post('/api/notifications').set(auth).send({ userId, data: 2 }).expect(201);
    await database.setPrunedVersion(userId, 1);
    const ticket = await registerTicket(pns, userId);
    const notify = () => request(pns.baseUrl).post('/api/notifications');
    const answers: [string, string, request.Response][] = [
      ['/api/notifications', 'post', await notify().send({ userId, data: 1 })],
      ['/api/notifications', 'post', await notify().set('X-Auth-Token', READ_ONLY_TOKEN).send({ userId, data: 1 })],
      ['/api/notifications', 'post', await notify().set(auth).send({ userId, data: 'x'.repeat(20_000) })],
      ['/api/notifications', 'post', await notify().set(auth).send({ userId })],
      ['/api/users/{userId}/changes', 'get', await request(pns.baseUrl).get(`/api/users/${userId}/changes`).query({ since: 0 }).set(auth)],
      ['/api/users/{userId}/changes', 'get', await request(pns.baseUrl).get(`/api/users/${userId}/changes`).query({ since: -1 }).set(auth)],
      ['/api/notifications/{id}', 'delete', await request(pns.baseUrl).delete('/api/notifications/999999999').set(auth)],
      ['/subscribe', 'get', await request(pns.baseUrl).get(`/subscribe?connectionId=${ticket}`).set('Accept', 'application/json')],
      ['/subscribe', 'get', await request(pns.baseUrl).get(`/subscribe?connectionId=${ticket}&protocol=7`).set('Accept', 'text/event-stream')],
      ['/subscribe', 'get', await request(pns.baseUrl).get('/subscribe?connectionId=unknown').set('Accept', 'text/event-stream')],
      ['/subscribe/requests', 'post', await request(pns.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).set('Content-Type', 'text/plain').send('{"nope":1}')],
    ];
    const seen = answers.map(([path, method, response]) => {
      const documented = openApi.paths[path][method].responses[String(response.status)];
      expect({ path, method, status: response.status, documented: documented !== undefined }).toEqual({ path, method, status: response.status, documented: true });
      const validate = openApiValidator(documented.content!['application/json'].schema);
      expect({ path, status: response.status, body: response.body as unknown, valid: validate(response.body), errors: validate.errors }).toEqual({ path, status: response.status, body: response.body as unknown, valid: true, errors: null });
      return `${method.toUpperCase()} ${path} ${response.status}`;
    });
    expect(seen).toEqual([
      'POST /api/notifications 401',
      'POST /api/notifications 403',
      'POST /api/notifications 413',
      'POST /api/notifications 400',
      'GET /api/users/{userId}/changes 410',
      'GET /api/users/{userId}/changes 400',
      'DELETE /api/notifications/{id} 404',
      'GET /subscribe 406',
      'GET /subscribe 400',
      'GET /subscribe 401',
      'POST /subscribe/requests 400',
    ]);
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
    // Every schema's notification data, wherever the document has one: a request's, an answer's, an item's.
    const dataSchemas = Object.entries(openApi.components.schemas).filter(([, schema]) => NOTIFICATION_DATA in ((schema.properties as Schema | undefined) ?? {}));
    expect(dataSchemas.map(([name]) => name)).toEqual(expect.arrayContaining(['CreateNotificationsBody', 'NotificationDto']));
    for (const [name, schema] of dataSchemas) {
      const validate = openApiValidator((schema.properties as Schema)[NOTIFICATION_DATA] as Schema);
      for (const data of [null, 'text', [1, 'two'], 3.5, false, { nested: {} }]) expect({ name, data, valid: validate(data) }).toEqual({ name, data, valid: true });
    }
  });
});

describe('the device protocol description', () => {
  let validators: Map<string, ValidateFunction>;
  /** The schemas a frame matches, of those named. */
  const matching = (frame: unknown, names: readonly string[]) => names.filter((name) => validators.get(name)!(frame));
  /** Which schemas the frames of the tests below matched: at the end, every one must have been. */
  const matched = { 1: new Set<string>(), 2: new Set<string>(), device: new Set<string>() };

  /** Each frame matches exactly one schema of the protocol's server frames. */
  const expectServerFrames = (frames: readonly unknown[], protocol: 1 | 2) => {
    for (const frame of frames) {
      const matches = matching(frame, FRAMES.server[protocol]);
      expect({ frame, protocol, matches }).toEqual({ frame, protocol, matches: [expect.any(String)] });
      matched[protocol].add(matches[0]);
    }
  };
  /** Each request a device sent matches exactly one request schema. */
  const expectRequests = (frames: readonly unknown[]) => {
    for (const frame of frames) {
      const matches = matching(frame, FRAMES.device);
      expect({ frame, matches }).toEqual({ frame, matches: [expect.any(String)] });
      matched.device.add(matches[0]);
    }
  };

  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true, formats });
    ajv.addSchema({ $id: 'asyncapi', components: { schemas: asyncApi.components.schemas } });
    validators = new Map(Object.keys(asyncApi.components.schemas).map((name) => [name, ajv.getSchema(`asyncapi#/components/schemas/${name}`)!]));
  });

  /** A user with three notifications, whose change log no longer keeps the first change: since=0 resyncs, since=1 resumes. */
  async function userWithHistory(): Promise<string> {
    const userId = newUser();
    await postNotification(pns, userId, null, 'orders');
    await postNotification(pns, userId, ['any', 'json']);
    await postNotification(pns, userId, 'text');
    await database.setPrunedVersion(userId, 1);
    return userId;
  }

  function browserSubscription() {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return { endpoint: `${PUSH_SERVICE}/send/${randomBytes(12).toString('base64url')}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
  }

  /**
   * Every request a device can make, each answered as its kind is (a changesRequest from before
   * what is kept answers resync), then one that is not a request. Answers the requests sent, as
   * sent (an object's requestId included), and the answers.
   */
  async function everyRequest(ask: (frame: unknown) => Promise<unknown>): Promise<{ sent: unknown[]; answers: unknown[] }> {
    const sent: unknown[] = [];
    const answers: unknown[] = [];
    const send = async (frame: unknown) => {
      const withId = typeof frame === 'string' ? frame : { ...(frame as Frame), requestId: `r-${sent.length}` };
      sent.push(withId);
      const answer = await ask(withId);
      answers.push(answer);
      return answer as Frame;
    };
    await send('unseenNotificationDataRequest');
    await send({ unseenNotificationDataRequest: { limit: 2 } });
    await send({ seenNotificationsRequest: { receivedAfter: '2000-01-01T00:00:00Z', limit: 5 } });
    await send({ notificationDataRequest: { limit: 5 } });
    await send({ notificationDataRequest: { receivedAfter: '2000-01-01T00:00:00Z' } });
    await send({ webhookRequest: {} });
    const { pushSubscription } = await send({ pushSubscribeRequest: { webpush: browserSubscription() } });
    await send({ pushUnsubscribeRequest: { id: (pushSubscription as { id: string }).id } });
    await send({ countsRequest: {} });
    await send({ changesRequest: { since: 1, limit: 10 } });
    await send({ changesRequest: { since: 0 } });
    await send({ markRequest: { set: 'archived', filter: { category: 'orders' } } });
    await send({ markRequest: { set: 'read', all: true } });
    await send({ preferencesUpdate: { categories: { orders: { push: false } }, quietHours: { timeZone: 'Europe/Berlin', from: '22:00', to: '07:00' } } });
    await send({ preferencesRequest: {} });
    const refused = sent.length;
    await send({ notARequest: {} });
    await send({ markRequest: { set: 'pinned', all: true } });
    for (const frame of sent.slice(refused)) expect({ frame, matches: matching(frame, FRAMES.device) }).toEqual({ frame, matches: [] });
    return { sent: sent.slice(0, refused), answers };
  }

  /** A WebSocket device's request and its answer; the bare request has no requestId to echo. */
  const askOver = (device: Device) => async (frame: unknown) => {
    if (typeof frame !== 'string') return device.request(frame as Frame);
    const since = device.frames.length;
    device.send(JSON.stringify(frame));
    return device.nextFrame((answer) => 'newNotificationData' in answer && !('requestId' in answer), { since });
  };
  /** A Server-Sent Events device's request, POSTed as the frame's text. */
  const askByPost = (ticket: string) => async (frame: unknown) =>
    (await request(pns.baseUrl).post(`/subscribe/requests?connectionId=${ticket}`).set('Content-Type', 'text/plain').send(JSON.stringify(frame))).body as unknown;

  it('is AsyncAPI 3 with every frame of both protocols', () => {
    expect(asyncApi.asyncapi).toBe('3.0.0');
    expect(Object.keys(asyncApi.components.schemas)).toEqual(expect.arrayContaining([...FRAMES.server[1], ...FRAMES.server[2], ...FRAMES.device]));
    expect(Object.keys(asyncApi.components.schemas)).toEqual(expect.arrayContaining(['CountFrame', 'ErrorFrame', 'UnseenDataRequest', 'CountsFrame', 'ChangeFrame', 'ResyncFrame', 'MarkRequest', 'MarkedAnswer', 'PreferencesFrame']));
  });

  it('matches every frame a running pns sends a protocol-1 WebSocket device, and every request it answers', async () => {
    const userId = await userWithHistory();
    const device = await connectCounted(pns, userId);
    const { sent } = await everyRequest(askOver(device));
    // A count pushed after the requests, so that the frames below include live ones.
    await postNotification(pns, userId, 'live');
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 1);
    device.close();
    expectRequests(sent);
    expectServerFrames(device.frames, 1);
  });

  it('matches the events and answers of a protocol-1 device on Server-Sent Events', async () => {
    const userId = await userWithHistory();
    const ticket = await registerTicket(pns, userId);
    const stream = await SseDevice.open(pns.baseUrl, { path: `/subscribe?connectionId=${ticket}` });
    await stream.waitForCount(3);
    const { sent, answers } = await everyRequest(askByPost(ticket));
    await postNotification(pns, userId, 'over SSE');
    await stream.waitForCount(1);
    stream.close();
    expectRequests(sent);
    expectServerFrames([...stream.events.map((event) => ({ [event.event]: event.data })), ...answers], 1);
  });

  it('matches every frame a running pns sends a protocol-2 WebSocket device: resync, changes, counts, and every answer', async () => {
    const userId = await userWithHistory();
    const ticket = await registerTicket(pns, userId);
    const path = `/subscribe?connectionId=${ticket}&protocol=2`;
    // Resuming from before what is kept: resync, then counts.
    const resynced = await Device.connect(pns.wsUrl, { path: `${path}&since=0` });
    await resynced.nextFrame((frame) => 'counts' in frame, { since: 0 });
    resynced.close();
    // Resuming from what is kept: changes 2 and 3, then counts, then every request and the changes they make.
    const device = await Device.connect(pns.wsUrl, { path: `${path}&since=1` });
    await device.nextFrame((frame) => 'counts' in frame, { since: 0 });
    const { sent } = await everyRequest(askOver(device));
    await postNotification(pns, userId, 'live');
    await device.nextFrame((frame) => 'change' in frame && (frame.change as { type: string }).type === 'created');
    device.close();
    expect(resynced.frames.map((frame) => Object.keys(frame)[0])).toEqual(['resync', 'counts']);
    expect(device.frames.slice(0, 3).map((frame) => Object.keys(frame)[0])).toEqual(['change', 'change', 'counts']);
    expectRequests(sent);
    expectServerFrames([...resynced.frames, ...device.frames], 2);
  });

  it('matches every event a running pns sends a protocol-2 device on Server-Sent Events, and every answer by POST', async () => {
    const userId = await userWithHistory();
    const ticket = await registerTicket(pns, userId);
    const path = `/subscribe?connectionId=${ticket}&protocol=2`;
    const resynced = await SseDevice.open(pns.baseUrl, { path, headers: { 'Last-Event-ID': '0' } });
    await resynced.nextEvent((event) => event.event === 'counts', { since: 0 });
    resynced.close();
    const stream = await SseDevice.open(pns.baseUrl, { path, headers: { 'Last-Event-ID': '1' } });
    await stream.nextEvent((event) => event.event === 'counts', { since: 0 });
    const { sent, answers } = await everyRequest(askByPost(ticket));
    const beforeLive = stream.events.length;
    await postNotification(pns, userId, 'live');
    await stream.nextEvent((event) => event.event === 'change' && (event.data as { type: string }).type === 'created', { since: beforeLive });
    stream.close();
    expect(resynced.events.map((event) => event.event)).toEqual(['resync', 'counts']);
    expect(stream.events.slice(0, 3).map((event) => event.event)).toEqual(['change', 'change', 'counts']);
    expectRequests(sent);
    expectServerFrames([...[...resynced.events, ...stream.events].map((event) => ({ [event.event]: event.data })), ...answers], 2);
  });

  it('was checked above against a real frame of every kind it describes, on each protocol, and against every request', () => {
    expect([...matched[1]].sort()).toEqual([...FRAMES.server[1]].sort());
    expect([...matched[2]].sort()).toEqual([...FRAMES.server[2]].sort());
    expect([...matched.device].sort()).toEqual([...FRAMES.device].sort());
  });

  it('refuses frames that are not the protocol', () => {
    expect(matching({ newNotificationCountChanged: -1 }, ['CountFrame'])).toEqual([]);
    expect(matching({ newNotificationData: [{ id: '1' }] }, ['UnseenDataAnswer'])).toEqual([]);
    expect(matching({ seenNotificationsRequest: {} }, ['SeenDataRequest'])).toEqual([]);
    expect(matching({ counts: { unseen: 1 } }, ['CountsFrame'])).toEqual([]);
    expect(matching({ change: { version: 1, type: 'pinned', at: '2026-01-01T00:00:00Z', ids: [] } }, ['ChangeFrame'])).toEqual([]);
    expect(matching({ markRequest: { set: 'read', ids: ['1'], all: true } }, ['MarkRequest'])).toEqual([]);
  });
});
