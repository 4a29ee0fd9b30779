import request from 'supertest';
import { PreferenceChanges } from '../src/preferences/preference-changes';
import type { Preferences } from '../src/preferences/preferences';
import { PreferencesService } from '../src/preferences/preferences.service';
import { auth, startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { newUser } from './support/factories';

let pns: RunningApp;

beforeAll(async () => {
  pns = await startApp(await createTestDatabase());
});
afterAll(() => pns.close());

const path = (userId: string) => `/api/users/${encodeURIComponent(userId)}/preferences`;

const nightOwl = {
  default: { inbox: true, push: false },
  categories: { marketing: { inbox: false }, security: { push: true } },
  quietHours: { timeZone: 'Europe/Berlin', from: '22:00', to: '07:00' },
};

describe('preferences over REST', () => {
  it('answers the defaults for a user who never set any', async () => {
    const response = await request(pns.baseUrl).get(path(newUser())).set(auth).expect(200);
    expect(response.body).toEqual({ default: { inbox: true, push: true }, categories: {}, quietHours: null });
  });

  it('stores what is put, whole, and answers it', async () => {
    const userId = newUser('ü ser/1');
    expect((await request(pns.baseUrl).put(path(userId)).set(auth).send(nightOwl).expect(200)).body).toEqual(nightOwl);
    expect((await request(pns.baseUrl).get(path(userId)).set(auth).expect(200)).body).toEqual(nightOwl);

    // A PUT replaces everything: what it omits is back to its default.
    await request(pns.baseUrl).put(path(userId)).set(auth).send({ categories: { orders: { push: false } } }).expect(200);
    expect((await request(pns.baseUrl).get(path(userId)).set(auth).expect(200)).body).toEqual({ default: { inbox: true, push: true }, categories: { orders: { push: false } }, quietHours: null });
  });

  it.each([
    ['an unknown field', { ...nightOwl, vacation: true }],
    ['a bad time zone', { quietHours: { timeZone: 'Europe/Atlantis', from: '22:00', to: '07:00' } }],
    ['a bad time', { quietHours: { timeZone: 'Europe/Berlin', from: '25:00', to: '07:00' } }],
    ['a switch that is not boolean', { default: { inbox: 'yes' } }],
    ['a list', [nightOwl]],
  ])('refuses %s with 400 and changes nothing', async (_case, body) => {
    const userId = newUser();
    await request(pns.baseUrl).put(path(userId)).set(auth).send(nightOwl).expect(200);
    const response = await request(pns.baseUrl).put(path(userId)).set(auth).send(body as object).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    expect((await request(pns.baseUrl).get(path(userId)).set(auth).expect(200)).body).toEqual(nightOwl);
  });

  it('needs the app token', async () => {
    await request(pns.baseUrl).get(path(newUser())).expect(401);
    await request(pns.baseUrl).put(path(newUser())).send(nightOwl).expect(401);
  });
});

describe('PreferencesService, for ingest, push and devices', () => {
  it('answers for many users at once whether a category goes to the inbox', async () => {
    const [quiet, muted, fresh] = [newUser(), newUser(), newUser()];
    const service = pns.app.get(PreferencesService);
    await service.update(quiet, nightOwl);
    await service.update(muted, { default: { inbox: false } });
    expect(await service.allowsInbox([quiet, muted, fresh], 'marketing')).toEqual(
      new Map([
        [quiet, false],
        [muted, false],
        [fresh, true],
      ]),
    );
    expect(await service.allowsInbox([quiet, muted, fresh], undefined)).toEqual(
      new Map([
        [quiet, true],
        [muted, false],
        [fresh, true],
      ]),
    );
  });

  it('answers whether to push, and when quiet hours let it', async () => {
    const userId = newUser();
    const service = pns.app.get(PreferencesService);
    await service.update(userId, nightOwl);
    expect(await service.allowsPush(userId, 'orders')).toBe(false);
    expect(await service.allowsPush(userId, 'security')).toBe(true);
    expect(await service.pushDecision(userId, 'orders', new Date('2026-01-14T12:00:00Z'))).toEqual({ push: false });
    // 23:30 in Berlin: wait for 07:00 there.
    expect(await service.pushDecision(userId, 'security', new Date('2026-01-14T22:30:00Z'))).toEqual({ push: true, notBefore: new Date('2026-01-15T06:00:00Z') });
    expect(await service.pushDecision(userId, 'security', new Date('2026-01-14T12:00:00Z'))).toEqual({ push: true, notBefore: null });
  });

  it('announces a committed change, to be sent to every device of the user', async () => {
    const userId = newUser();
    const heard: [string, Preferences][] = [];
    const listener = (changedUser: string, preferences: Preferences) => heard.push([changedUser, preferences]);
    pns.app.get(PreferenceChanges).on('changed', listener);
    try {
      await request(pns.baseUrl).put(path(userId)).set(auth).send(nightOwl).expect(200);
      await request(pns.baseUrl).put(path(userId)).set(auth).send({ default: 'off' }).expect(400);
      expect(heard).toEqual([[userId, nightOwl]]);
    } finally {
      pns.app.get(PreferenceChanges).off('changed', listener);
    }
  });
});
