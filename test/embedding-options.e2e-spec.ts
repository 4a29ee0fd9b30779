import { Controller, Module, Param, Post, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import request from 'supertest';
import { PnsModule, PnsService, type PnsModuleOptions } from '../src/pns.module';
import { auth, TEST_TOKEN } from './support/app';
import { createEmptyDatabase, createTestDatabase } from './support/database';
import { Device } from './support/device';
import { FakeDelegate } from './support/fake-delegate';
import { newUser } from './support/factories';

/**
 * PnsModule.forRoot's options (docs/embedding.md), each in a host application built in this
 * process: `databaseUrl` or the host's `pool`, `path`, `migrate`, and devices recognised by the
 * host's delegation URL.
 */

/** A host route that notifies the user named in its path, as a host's own code would. */
@Controller('orders')
class OrdersController {
  constructor(private readonly pns: PnsService) {}

  @Post(':userId')
  async placed(@Param('userId') userId: string): Promise<{ id: string }> {
    const [created] = await this.pns.notify({ userIds: [userId], data: { order: 'placed' } });
    return { id: created.id };
  }
}

function hostWith(options: PnsModuleOptions): Type {
  @Module({ imports: [PnsModule.forRoot(options)], controllers: [OrdersController] })
  class HostModule {}
  return HostModule;
}

async function startHost(options: PnsModuleOptions): Promise<{ app: INestApplication; baseUrl: string; wsUrl: string }> {
  const app = await NestFactory.create(hostWith(options), { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` };
}

async function tablesOf(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
  return rows.map((row) => row.name);
}

const pools: pg.Pool[] = [];
const apps: INestApplication[] = [];
let delegate: FakeDelegate;

beforeAll(async () => {
  delegate = await FakeDelegate.start();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});
afterAll(() => delegate.close());

function poolOf(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, application_name: 'host-under-test' });
  pools.push(pool);
  return pool;
}

describe('PnsModule.forRoot in a host application', () => {
  it('with databaseUrl, path and delegateUrl: devices at the path are asked of the delegation URL, and hear what the host notifies', async () => {
    const userId = newUser();
    delegate.accept(userId);
    const host = await startHost({ databaseUrl: await createTestDatabase(), path: 'inbox', migrate: false, auth: { appToken: TEST_TOKEN, delegateUrl: delegate.url } });
    apps.push(host.app);

    const device = await Device.connect(host.wsUrl, { path: '/inbox/subscribe', headers: { Cookie: 'session=from-the-host' } });
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 0, { since: 0 });
    expect(delegate.requests.at(-1)?.headers.cookie).toBe('session=from-the-host');
    const { id } = (await request(host.baseUrl).post(`/orders/${userId}`).expect(201)).body as { id: string };
    await device.nextFrame((frame) => frame.newNotificationCountChanged === 1);
    const listed = await request(host.baseUrl).get(`/inbox/api/users/${userId}/notifications`).set(auth).expect(200);
    expect(listed.body).toMatchObject({ items: [{ id, data: { order: 'placed' } }] });
    await request(host.baseUrl).get(`/api/users/${userId}/notifications`).set(auth).expect(404);
    device.close();

    delegate.answerWith({ status: 401 });
    await expect(Device.connect(host.wsUrl, { path: '/inbox/subscribe' })).rejects.toMatchObject({ status: 401 });
  });

  it("with the host's pool on a database pns has not migrated: migrates it, works, and leaves the pool open for the host", async () => {
    const pool = poolOf(await createEmptyDatabase());
    const host = await startHost({ pool, path: '/pns', auth: { appToken: TEST_TOKEN } });
    apps.push(host.app);
    expect(await tablesOf(pool)).toEqual(expect.arrayContaining(['_prisma_migrations', 'notifications']));
    const userId = newUser();
    await request(host.baseUrl).post(`/orders/${userId}`).expect(201);
    expect(await host.app.get(PnsService).counts(userId)).toMatchObject({ unseen: 1, version: 1 });

    await apps.splice(0)[0].close();
    // pns has stopped; the pool is still the host's to use (and to end).
    expect((await pool.query<{ answer: number }>('SELECT 1 AS answer')).rows).toEqual([{ answer: 1 }]);
  });

  it('with migrate: false, leaves a database pns has not migrated as it is', async () => {
    const pool = poolOf(await createEmptyDatabase());
    await startHost({ pool, migrate: false, auth: { appToken: TEST_TOKEN } }).then(
      (host) => apps.push(host.app),
      () => undefined,
    );
    // Whether it then starts on an empty schema or fails at its first query, pns created nothing.
    expect(await tablesOf(pool)).toEqual([]);
  });
});
