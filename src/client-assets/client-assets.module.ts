import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AppConfig } from '../config/app-config.js';
import { ClientAssetsService } from './client-assets.service.js';
import { ClientScriptController } from './client-script.controller.js';
import { DemoController } from './demo.controller.js';
import { DemoService } from './demo.service.js';

/** The browser client at /client.js and, when DEMO is on, the demo inbox at /demo. */
@Module({})
export class ClientAssetsModule {
  static forRoot(config: Pick<AppConfig, 'demo'>): DynamicModule {
    return {
      module: ClientAssetsModule,
      // Without DEMO the route does not exist at all: /demo is an unknown route like any other.
      imports: config.demo ? [AuthModule] : [],
      controllers: config.demo ? [ClientScriptController, DemoController] : [ClientScriptController],
      providers: config.demo ? [ClientAssetsService, DemoService] : [ClientAssetsService],
    };
  }
}
