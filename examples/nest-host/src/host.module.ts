import { Module } from '@nestjs/common';
import { PnsModule } from '../../../src/pns.module.js';
import { CheckoutsController } from './checkouts.controller.js';
import { CheckoutsService } from './checkouts.service.js';
import { HostSettings } from './host-settings.js';
import { InboxController } from './inbox.controller.js';
import { sessionUser } from './session.js';

@Module({ providers: [HostSettings], exports: [HostSettings] })
class HostSettingsModule {}

@Module({
  imports: [
    HostSettingsModule,
    // pns's routes under /pns/api/..., its devices at /pns/subscribe, on this application's server.
    PnsModule.forRootAsync({
      path: '/pns',
      imports: [HostSettingsModule],
      inject: [HostSettings],
      useFactory: (settings: HostSettings) => ({
        databaseUrl: settings.databaseUrl,
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
