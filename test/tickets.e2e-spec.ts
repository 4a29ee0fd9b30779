import { createHash } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { TicketsService } from '../src/auth/tickets.service';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { newUser } from './support/factories';
import { clockPasses } from './support/waiters';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('PUT /api/:userId/register (connection tickets)', () => {
  let pns: RunningApp;
  let db: pg.Client;
  let tickets: TicketsService;
  const register = (userId: string, query: string) => request(pns.baseUrl).put(`/api/${encodeURIComponent(userId)}/register${query}`);

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    pns = await startApp(databaseUrl);
    tickets = pns.app.get(TicketsService);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await pns.close();
  });

  it('registers a ticket for TICKET_TTL (24h) and answers its user and expiry', async () => {
    const user = newUser();
    const connectionId = crypto.randomUUID();
    const before = Date.now();
    const response = await register(user, `?connectionId=${connectionId}`).set(auth).expect(200);
    expect(response.body).toEqual({ userId: user, expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    const expiresAt = Date.parse(response.body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + DAY_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + DAY_MS);
    expect(await tickets.resolve(connectionId)).toBe(user);
  });

  it('accepts the token as Authorization: Bearer too, and any printable id up to 255 characters', async () => {
    const user = newUser('ünïcode user');
    const connectionId = `é ${'x'.repeat(253)}`;
    await register(user, `?connectionId=${encodeURIComponent(connectionId)}`).set('Authorization', `Bearer ${auth['X-Auth-Token']}`).expect(200);
    expect(await tickets.resolve(connectionId)).toBe(user);
  });

  it('resolves the tickets of devices connecting together, each to its own user, an expired or unknown one to none', async () => {
    const users = Array.from({ length: 30 }, () => newUser());
    const ids = users.map(() => crypto.randomUUID());
    await Promise.all(users.map((user, i) => register(user, `?connectionId=${ids[i]}`).set(auth).expect(200)));
    const expired = crypto.randomUUID();
    await register(newUser(), `?connectionId=${expired}`).set(auth).expect(200);
    await db.query(`UPDATE connection_tickets SET expires_at = now() - interval '1 second' WHERE id_hash = $1`, [createHash('sha256').update(expired).digest('hex')]);
    // Asked in one tick, as a storm of reconnecting devices asks: one lookup answers them all.
    const asked = [...ids, expired, crypto.randomUUID(), ids[0]];
    const answers = await Promise.all(asked.map((id) => tickets.resolve(id)));
    expect(answers).toEqual([...users, undefined, undefined, users[0]]);
  });

  it('stores only the SHA-256 of the connectionId', async () => {
    const user = newUser();
    const connectionId = crypto.randomUUID();
    await register(user, `?connectionId=${connectionId}`).set(auth).expect(200);
    const { rows } = await db.query('SELECT id_hash FROM connection_tickets WHERE user_id = $1', [user]);
    expect(rows).toEqual([{ id_hash: createHash('sha256').update(connectionId).digest('hex') }]);
  });

  it('hands an id registered again to the new user with a new expiry', async () => {
    const [first, second] = [newUser(), newUser()];
    const connectionId = crypto.randomUUID();
    const firstAnswer = await register(first, `?connectionId=${connectionId}`).set(auth).expect(200);
    // The expiry is the registration's clock plus TICKET_TTL: a later clock makes a later expiry.
    await clockPasses(new Date(Date.parse(firstAnswer.body.expiresAt) - pns.config.ticketTtlMs));
    const secondAnswer = await register(second, `?connectionId=${connectionId}`).set(auth).expect(200);
    expect(Date.parse(secondAnswer.body.expiresAt)).toBeGreaterThan(Date.parse(firstAnswer.body.expiresAt));
    expect(await tickets.resolve(connectionId)).toBe(second);
    const { rows } = await db.query('SELECT user_id FROM connection_tickets WHERE user_id = ANY($1)', [[first, second]]);
    expect(rows).toEqual([{ user_id: second }]);
  });

  it('answers 401 without a valid token and stores nothing', async () => {
    const user = newUser();
    const connectionId = crypto.randomUUID();
    const response = await register(user, `?connectionId=${connectionId}`).expect(401);
    expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
    await register(user, `?connectionId=${connectionId}`).set('X-Auth-Token', 'wrong').expect(401);
    expect(await tickets.resolve(connectionId)).toBeUndefined();
    const { rows } = await db.query('SELECT 1 FROM connection_tickets WHERE user_id = $1', [user]);
    expect(rows).toEqual([]);
  });

  it.each([
    ['missing', ''],
    ['empty', '?connectionId='],
    ['256 characters', `?connectionId=${'x'.repeat(256)}`],
    ['a newline', '?connectionId=abc%0Adef'],
    ['a tab', '?connectionId=abc%09def'],
    ['DEL', '?connectionId=abc%7F'],
    ['given twice', '?connectionId=a&connectionId=b'],
  ])('answers 400 for a connectionId %s, storing nothing', async (_, query) => {
    const user = newUser();
    const response = await register(user, query).set(auth).expect(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('connectionId') });
    const { rows } = await db.query('SELECT 1 FROM connection_tickets WHERE user_id = $1', [user]);
    expect(rows).toEqual([]);
  });

  it.each([
    ['a control character', 'bad\nuser'],
    ['256 characters', 'u'.repeat(256)],
  ])('answers 400 for a userId with %s', async (_, userId) => {
    const response = await register(userId, `?connectionId=${crypto.randomUUID()}`).set(auth).expect(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('userId') });
  });
});
