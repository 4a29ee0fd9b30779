import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { HostSettings } from './host-settings.js';

/** The application name its sessions carry, so that a DBA (and the example's test) can tell them apart. */
export const HOST_APPLICATION_NAME = 'nest-host';

/**
 * The host's own pg pool, which pns shares (PnsModule's `pool`): one set of connections for the
 * host's queries and pns's. Ended at the application's shutdown, once pns has stopped using it.
 */
@Injectable()
export class HostDatabase implements OnApplicationShutdown {
  readonly pool: pg.Pool;

  constructor(settings: HostSettings) {
    this.pool = new pg.Pool({ connectionString: settings.databaseUrl, application_name: HOST_APPLICATION_NAME, max: 20 });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
