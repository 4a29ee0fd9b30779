import pg from 'pg';
import { startApp, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { connectDevice } from './support/devices';
import { newUser } from './support/factories';

describe('count reconciliation', () => {
  let url: string;
  let pns: RunningApp;
  let sql: pg.Client;

  beforeAll(async () => {
    url = await createTestDatabase();
    pns = await startApp(url, { HEARTBEAT_INTERVAL: '300ms' });
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await pns.close();
  });

  it('brings a device to the true count after a change nobody announced (rows written by hand)', async () => {
    const user = newUser();
    const device = await connectDevice(pns, user);
    await device.waitForCount(0);
    // Straight SQL: the triggers keep the count, but no pns process publishes the change.
    await sql.query(`INSERT INTO notifications (user_id, data) SELECT $1, '{}' FROM generate_series(1, 3)`, [user]);
    await device.waitForCount(3);
    device.close();
  });
});
