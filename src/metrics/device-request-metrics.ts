import { Counter, Histogram, type Registry } from 'prom-client';
import { ConflictError, InvalidInputError } from '../common/errors.js';
import type { RequestName } from '../realtime/core/frames.js';

/** Every kind of device request, so that each series exists from the start (the compiler keeps it complete). */
const REQUEST_TYPES: Record<RequestName, true> = {
  webhookRequest: true,
  unseenNotificationDataRequest: true,
  seenNotificationsRequest: true,
  notificationDataRequest: true,
  pushSubscribeRequest: true,
  pushUnsubscribeRequest: true,
  countsRequest: true,
  changesRequest: true,
  markRequest: true,
  preferencesRequest: true,
  preferencesUpdate: true,
};
/** A frame that is not a request at all (malformed JSON, unknown name, bad parameters). */
export const INVALID_REQUEST = 'invalid';

/** `ok`; `refused`: the device's to change (answered `bad_request`); `error`: ours (`internal_error`). */
type Outcome = 'ok' | 'refused' | 'error';
const OUTCOMES: readonly Outcome[] = ['ok', 'refused', 'error'];

/** RED metrics of device requests (WebSocket frames and SSE POSTs alike), by request type. */
export class DeviceRequestMetrics {
  private readonly requests: Counter<'type' | 'outcome'>;
  private readonly seconds: Histogram<'type'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'pns_device_requests_total',
      help: 'Device requests answered, by type and outcome (ok, refused, error)',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    });
    this.seconds = new Histogram({
      name: 'pns_device_request_duration_seconds',
      help: 'Time to answer a device request, by type',
      labelNames: ['type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    for (const type of Object.keys(REQUEST_TYPES)) {
      for (const outcome of OUTCOMES) this.requests.inc({ type, outcome }, 0);
      this.seconds.zero({ type });
    }
    this.requests.inc({ type: INVALID_REQUEST, outcome: 'refused' }, 0);
  }

  /** Times an answer and counts it by outcome; resolves or rejects as `answering` does. */
  async observe<T>(type: RequestName, answering: Promise<T>): Promise<T> {
    const stopTimer = this.seconds.startTimer({ type });
    try {
      const answer = await answering;
      this.requests.inc({ type, outcome: 'ok' });
      return answer;
    } catch (error) {
      this.requests.inc({ type, outcome: error instanceof ConflictError || error instanceof InvalidInputError ? 'refused' : 'error' });
      throw error;
    } finally {
      stopTimer();
    }
  }

  /** A frame refused before it was a request. */
  invalid(): void {
    this.requests.inc({ type: INVALID_REQUEST, outcome: 'refused' });
  }
}
