import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import type { CreatedEventHook, DeliveryRecord, EventHookRecord, PushEvent } from './event-hook.js';
import { EventHooksRepository, type Queryable } from './event-hooks.repository.js';
import type { DeliveryStatus, EventType } from './event-types.js';
import { checkHookUrl } from './hook-target.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Hooks that receive the inbox's events (docs/events.md). */
@Injectable()
export class EventHooksService {
  constructor(
    private readonly repository: EventHooksRepository,
    private readonly config: AppConfig,
  ) {}

  async create(url: string, events: readonly EventType[]): Promise<CreatedEventHook> {
    await checkHookUrl(url, this.config.eventHookAllowPrivate);
    // 24 random bytes, as Standard Webhooks secrets are: whsec_ then base64.
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const { id } = await this.repository.create(url, [...new Set(events)], secret);
    return { id, secret };
  }

  list(): Promise<EventHookRecord[]> {
    return this.repository.list();
  }

  async delete(id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.repository.delete(id))) throw new NotFoundError(`event hook ${id} not found`);
  }

  async deliveries(id: string, status: DeliveryStatus | undefined, limit: number): Promise<DeliveryRecord[]> {
    if (!UUID.test(id) || !(await this.repository.exists(id))) throw new NotFoundError(`event hook ${id} not found`);
    return this.repository.deliveries(id, status, limit);
  }

  /**
   * For the push module: reports push outcomes to the hooks subscribed to them. Pass `db`
   * (a client inside your transaction) to make the events part of that transaction.
   */
  enqueuePushEvents(events: readonly PushEvent[], db?: Queryable): Promise<number> {
    return this.repository.enqueue(
      events.map(({ type, at, userId, ids, version, subscriptionId, error }) => ({
        type,
        payload: { type, timestamp: at.toISOString(), data: { userId, ids, ...(version !== undefined && { version }), ...(subscriptionId && { subscriptionId }), ...(error && { error }) } },
      })),
      db,
    );
  }
}
