import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { DEVICE_VERIFIER } from './auth/device-verifier.js';
import { Clock } from './common/clock.js';
import { AppConfig } from './config/app-config.js';
import { HOST_POOL } from './database/database-server.js';
import { embeddedConfig, normalizeMountPath } from './embedding/embedded-config.js';
import { mountGateways } from './embedding/gateway-paths.js';
import { PNS_MOUNT_PATH } from './embedding/mount-path.js';
import { moduleTree, scopeErrorsAndValidation } from './embedding/pns-controllers.js';
import { PnsHttpSetup } from './embedding/pns-http.js';
import type { PnsModuleAsyncOptions, PnsModuleOptions } from './embedding/pns-options.js';
import { PnsService } from './embedding/pns.service.js';
import { TransactionalNotifyRepository } from './embedding/transactional-notify.repository.js';
import { InboxModule } from './inbox/inbox.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';

export { PnsService } from './embedding/pns.service.js';
export { prismaTransactionClient, type PrismaTransaction } from './embedding/transactional-notify.repository.js';
export type { PnsModuleAsyncOptions, PnsModuleOptions, PnsDatabaseOptions, PnsSettings, PnsAuthOptions, VerifyDevice } from './embedding/pns-options.js';

const PNS_OPTIONS = Symbol('PNS_OPTIONS');

/** What the settings module hands every pns module: the config, the clock, the host's device check and pool, the mount path. */
@Module({})
class PnsSettingsModule {}

/**
 * All of pns as one Nest module (docs/embedding.md): the standalone server (main.ts) is an
 * application of only this module; a host application imports it under a path.
 */
@Module({})
export class PnsModule {
  static forRoot(options: PnsModuleOptions): DynamicModule {
    const config = embeddedConfig(options);
    return PnsModule.mount(options.path, config.demo, [], [
      { provide: AppConfig, useValue: config },
      { provide: DEVICE_VERIFIER, useValue: options.auth.verify ?? null },
      { provide: HOST_POOL, useValue: options.pool ?? null },
    ]);
  }

  /** Options from the host's providers (its ConfigService); `path` is given here, since routes are fixed before any factory runs. */
  static forRootAsync(options: PnsModuleAsyncOptions): DynamicModule {
    return PnsModule.mount(options.path, false, options.imports ?? [], [
      { provide: PNS_OPTIONS, useFactory: options.useFactory, inject: (options.inject ?? []) as never[] },
      { provide: AppConfig, useFactory: (resolved: PnsModuleOptions) => embeddedConfig(resolved), inject: [PNS_OPTIONS] },
      { provide: DEVICE_VERIFIER, useFactory: (resolved: PnsModuleOptions) => resolved.auth.verify ?? null, inject: [PNS_OPTIONS] },
      { provide: HOST_POOL, useFactory: (resolved: PnsModuleOptions) => resolved.pool ?? null, inject: [PNS_OPTIONS] },
    ]);
  }

  /** The standalone server: configured from its environment, at the root of its own HTTP server; tests give it their clock. */
  static standalone(config: AppConfig, clock?: Clock): DynamicModule {
    return PnsModule.mount(
      '',
      config.demo,
      [],
      [
        { provide: AppConfig, useValue: config },
        { provide: DEVICE_VERIFIER, useValue: null },
        { provide: HOST_POOL, useValue: null },
      ],
      clock,
    );
  }

  private static mount(path: string | undefined, demo: boolean, imports: DynamicModule['imports'] & {}, providers: Provider[], clock = new Clock()): DynamicModule {
    const mountPath = normalizeMountPath(path);
    mountGateways(mountPath);
    const features = AppModule.forRoot({ demo });
    const { modules, controllers } = moduleTree(features);
    scopeErrorsAndValidation(controllers);
    const settings: DynamicModule = {
      module: PnsSettingsModule,
      global: true,
      imports,
      providers: [...providers, { provide: Clock, useValue: clock }, { provide: PNS_MOUNT_PATH, useValue: mountPath }],
      exports: [AppConfig, Clock, DEVICE_VERIFIER, HOST_POOL, PNS_MOUNT_PATH],
    };
    const routes = mountPath === '' ? [] : [RouterModule.register(modules.map((module) => ({ path: mountPath, module })))];
    return {
      module: PnsModule,
      imports: [settings, features, NotificationsModule, InboxModule, ...routes],
      providers: [PnsHttpSetup, PnsService, TransactionalNotifyRepository],
      exports: [PnsService],
    };
  }
}
