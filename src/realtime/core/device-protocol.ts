import { Injectable, Optional } from '@nestjs/common';
import { referenceUnexpectedError } from '../../common/error-reference.js';
import { ConflictError, GoneError, InvalidInputError } from '../../common/errors.js';
import { InboxService } from '../../inbox/inbox.service.js';
import { Metrics } from '../../metrics/metrics.js';
import { NotificationsService } from '../../notifications/notifications.service.js';
import { PreferencesService } from '../../preferences/preferences.service.js';
import { PushSubscriptionsService } from '../../push/push-subscriptions.service.js';
import { WebhooksService } from '../../webhooks/webhooks.service.js';
import { DeviceRequestError, parseDeviceRequest } from './device-requests.js';
import type { AnswerFrame, DeviceAnswers, DeviceRequest, DeviceRequests, ErrorFrame, RequestId, RequestName } from './frames.js';
import { toChange } from './change.mapper.js';
import { toItem } from './item.mapper.js';

type Handlers = { [K in RequestName]: (userId: string, params: DeviceRequests[K]) => Promise<DeviceAnswers[K]> };

/**
 * Answers a device's requests (docs/protocol.md, Frames) whatever carries them: the WebSocket gateway
 * calls it per frame, the SSE transport per POST. Count frames are not its business: they
 * follow from the database (publisher → NOTIFY → bus → InboxDelivery).
 */
@Injectable()
export class DeviceProtocol {
  private readonly handlers: Handlers;

  constructor(
    notifications: NotificationsService,
    inbox: InboxService,
    webhooks: WebhooksService,
    push: PushSubscriptionsService,
    preferences: PreferencesService,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.handlers = {
      webhookRequest: async (userId) => ({ webhook: await webhooks.create(userId) }),
      countsRequest: async (userId) => ({ counts: await inbox.counts(userId) }),
      changesRequest: async (userId, { since, limit }) => {
        try {
          const page = await inbox.changesSince(userId, since, limit);
          return { changes: { changes: page.changes.map(toChange), version: page.version, hasMore: page.hasMore } };
        } catch (error) {
          // Not an error on the device protocol: the device reloads, as after a resync frame.
          if (error instanceof GoneError) return { resync: { version: error.version } };
          throw error;
        }
      },
      markRequest: async (userId, target) => ({ marked: await inbox.mark(userId, target) }),
      preferencesRequest: async (userId) => ({ preferences: await preferences.get(userId) }),
      // Refused preferences are an InvalidInputError, answered bad_request below.
      preferencesUpdate: async (userId, { preferences: sent }) => ({ preferences: await preferences.update(userId, sent) }),
      pushSubscribeRequest: async (userId, { subscription }) => ({ pushSubscription: await push.subscribe(userId, subscription) }),
      pushUnsubscribeRequest: async (userId, { id }) => ({ pushUnsubscribed: await push.unsubscribe(userId, id) }),
      unseenNotificationDataRequest: async (userId, { limit }) => {
        const stopTimer = metrics?.unseenRequestSeconds.startTimer();
        const taken = await notifications.takeUnseen(userId, limit);
        stopTimer?.();
        return { newNotificationData: taken.map(toItem) };
      },
      seenNotificationsRequest: async (userId, { receivedAfter, limit }) => ({
        seenNotificationData: (await notifications.seenCreatedAfter(userId, receivedAfter, limit)).map(toItem),
      }),
      // As in the earlier PNS, whose only way to see notifications was this request: answering
      // delivers the unseen ones, so they are now seen and every device hears the new count.
      notificationDataRequest: async (userId, { receivedAfter, limit }) => ({
        notificationData: (receivedAfter === undefined
          ? await notifications.takeUnseen(userId, limit)
          : await notifications.takeCreatedAfter(userId, receivedAfter, limit)
        ).map(toItem),
      }),
    };
  }

  /** Never rejects: a bad frame or a failure is answered with an error frame. */
  async handle(userId: string, text: string): Promise<AnswerFrame | ErrorFrame> {
    let request: DeviceRequest | undefined;
    try {
      request = parseDeviceRequest(text);
      return withRequestId(await this.answer(userId, request), request.requestId);
    } catch (error) {
      if (error instanceof DeviceRequestError) {
        this.metrics?.deviceRequests.invalid();
        return withRequestId({ error: { code: 'bad_request', message: error.message } }, error.requestId);
      }
      // A request the services refuse (a limit reached) is the device's to change, like a bad frame.
      if (error instanceof ConflictError || error instanceof InvalidInputError) {
        return withRequestId({ error: { code: 'bad_request', message: error.message } }, request?.requestId);
      }
      return withRequestId({ error: { code: 'internal_error', message: referenceUnexpectedError(`device request ${request?.name}`, error) } }, request?.requestId);
    }
  }

  private answer<K extends RequestName>(userId: string, request: { name: K; params: DeviceRequests[K] }): Promise<DeviceAnswers[K]> {
    const answering = this.handlers[request.name](userId, request.params);
    return this.metrics ? this.metrics.deviceRequests.observe(request.name, answering) : answering;
  }
}

function withRequestId<T extends object>(frame: T, requestId: RequestId | undefined): T & { requestId?: RequestId } {
  return requestId === undefined ? frame : { ...frame, requestId };
}
