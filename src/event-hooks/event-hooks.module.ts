import { Module } from '@nestjs/common';
import { EventDeliveryService } from './event-delivery.service.js';
import { EventDeliveryWorker } from './event-delivery.worker.js';
import { EventHooksController } from './event-hooks.controller.js';
import { EventHooksRepository } from './event-hooks.repository.js';
import { EventHooksService } from './event-hooks.service.js';

/**
 * Outgoing events (docs/events.md): hooks over REST, an outbox filled in the transactions of
 * the changes (by a trigger on inbox_changes, and by the push module through
 * EventHooksService.enqueuePushEvents), and a worker that delivers it.
 */
@Module({
  controllers: [EventHooksController],
  providers: [EventHooksService, EventHooksRepository, EventDeliveryService, EventDeliveryWorker],
  exports: [EventHooksService],
})
export class EventHooksModule {}
