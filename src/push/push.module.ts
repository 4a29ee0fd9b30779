import { Module } from '@nestjs/common';
import { PushSubscriptionsController } from './push-subscriptions.controller.js';
import { PushSubscriptionsRepository } from './push-subscriptions.repository.js';
import { PushSubscriptionsService } from './push-subscriptions.service.js';
import { ServiceWorkerController } from './service-worker.controller.js';
import { VapidKeyController } from './vapid-key.controller.js';
import { VapidKeys } from './vapid-keys.js';

/**
 * Push subscriptions and the VAPID identity (docs/push.md). The device protocol's
 * pushSubscribeRequest/pushUnsubscribeRequest use the service; delivery is PushDeliveryModule.
 */
@Module({
  controllers: [PushSubscriptionsController, VapidKeyController, ServiceWorkerController],
  providers: [PushSubscriptionsService, PushSubscriptionsRepository, VapidKeys],
  exports: [PushSubscriptionsService, VapidKeys],
})
export class PushModule {}
