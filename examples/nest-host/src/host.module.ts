import { Module } from '@nestjs/common';
import { PnsModule } from '../../../src/pns.module.js';
import { CheckoutsController } from './checkouts.controller.js';
import { CheckoutsService } from './checkouts.service.js';
import { HostDatabase } from './host-database.js';
import { HostSettings } from './host-settings.js';
import { InboxController } from './inbox.controller.js';
import { sessionUser } from './session.js';

@Module({ providers: [HostSettings, HostDatabase], exports: [HostSettings, HostDatabase] })
class HostInfrastructureModule {}

@Module({
  imports: [
    HostInfrastructureModule,
    // pns's routes under /pns/api/..., its devices at /pns/subscribe, on this application's server;
    // its tables in the host's database, reached through the host's own pool.
    PnsModule.forRootAsync({
      path: '/pns',
      imports: [HostInfrastructureModule],
      inject: [HostSettings, HostDatabase],
      useFactory: (settings: HostSettings, database: HostDatabase) => ({
        pool: database.pool,
        auth: { appToken: settings.pnsAppToken, verify: sessionUser },
        // Webhook URLs pns hands out point at where it is mounted.
        settings: { PUBLIC_URL: `http://localhost:${settings.port}/pns`, RETENTION_CRON: 'off' },
      }),
    }),
  ],
  controllers: [CheckoutsController, InboxController],
  providers: [CheckoutsService],
})
export class HostModule {}
