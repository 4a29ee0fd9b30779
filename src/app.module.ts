import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { CompatModule } from './compat/compat.module.js';
import { ClientAssetsModule } from './client-assets/client-assets.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { InboxModule } from './inbox/inbox.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PushDeliveryModule } from './push/push-delivery.module.js';
import { PushModule } from './push/push.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { NotifierModule } from './realtime/notifier/notifier.module.js';
import { SseModule } from './realtime/sse/sse.module.js';
import { WebSocketModule } from './realtime/websocket/websocket.module.js';
import { StatusModule } from './status/status.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { EventHooksModule } from './event-hooks/event-hooks.module.js';
import { PreferencesModule } from './preferences/preferences.module.js';
import { StatsModule } from './stats/stats.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, MetricsModule, AuthModule, NotificationsModule, InboxModule, ConnectionsModule, WebSocketModule, SseModule, NotifierModule, CompatModule, StatusModule, HealthModule, RetentionModule, WebhooksModule, PushModule, PushDeliveryModule, EventHooksModule, PreferencesModule, StatsModule, LifecycleModule, ClientAssetsModule.forRoot(config)],
    };
  }
}
