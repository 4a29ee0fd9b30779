import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { InvalidInputError } from '../../common/errors.js';
import { MarkBody, toMarkTarget } from '../../inbox/dto/mark.dto.js';
import { MAX_CHANGES_PAGE, type MarkTarget } from '../../inbox/inbox.js';
import { jsonTextProblem } from '../../common/json-text.js';
import type { DeviceRequest, DeviceRequests, RequestId, RequestName } from './frames.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;
/** A changesRequest's page size when it gives none, as GET /api/users/:userId/changes. */
const DEFAULT_CHANGES_LIMIT = 100;
// A version: up to 15 digits, always a safe integer.
const MAX_VERSION = 999_999_999_999_999;

/** A frame the device must fix; carries the requestId when one could be read, to echo it. */
export class DeviceRequestError extends Error {
  constructor(
    message: string,
    readonly requestId?: RequestId,
  ) {
    super(message);
  }
}

type Fields = Record<string, unknown>;

const PARSERS: { [K in RequestName]: (fields: Fields) => DeviceRequests[K] } = {
  unseenNotificationDataRequest: (fields) => {
    onlyKnownFields('unseenNotificationDataRequest', fields, ['limit']);
    return { limit: limitOf('unseenNotificationDataRequest', fields.limit) };
  },
  seenNotificationsRequest: (fields) => {
    onlyKnownFields('seenNotificationsRequest', fields, ['receivedAfter', 'limit']);
    return {
      receivedAfter: dateOf('seenNotificationsRequest.receivedAfter', fields.receivedAfter),
      limit: limitOf('seenNotificationsRequest', fields.limit),
    };
  },
  notificationDataRequest: (fields) => {
    onlyKnownFields('notificationDataRequest', fields, ['receivedAfter', 'limit']);
    // The newer PNS clients send an empty receivedAfter to mean "only the unseen ones".
    const empty = fields.receivedAfter === undefined || fields.receivedAfter === null || fields.receivedAfter === '';
    return {
      receivedAfter: empty ? undefined : dateOf('notificationDataRequest.receivedAfter', fields.receivedAfter),
      limit: limitOf('notificationDataRequest', fields.limit),
    };
  },
  webhookRequest: (fields) => {
    onlyKnownFields('webhookRequest', fields, []);
    return {};
  },
  // Its fields are the push service's to check, as for the REST body (docs/push.md).
  pushSubscribeRequest: (fields) => ({ subscription: fields }),
  pushUnsubscribeRequest: (fields) => {
    onlyKnownFields('pushUnsubscribeRequest', fields, ['id']);
    if (typeof fields.id !== 'string') throw new DeviceRequestError('pushUnsubscribeRequest.id must be the id of a push subscription');
    return { id: fields.id };
  },
  countsRequest: (fields) => {
    onlyKnownFields('countsRequest', fields, []);
    return {};
  },
  changesRequest: (fields) => {
    onlyKnownFields('changesRequest', fields, ['since', 'limit']);
    const { since, limit = DEFAULT_CHANGES_LIMIT } = fields;
    if (typeof since !== 'number' || !Number.isInteger(since) || since < 0 || since > MAX_VERSION) {
      throw new DeviceRequestError(`changesRequest.since must be a version, a non-negative integer (got ${JSON.stringify(since)})`);
    }
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_CHANGES_PAGE) {
      throw new DeviceRequestError(`changesRequest.limit must be an integer from 1 to ${MAX_CHANGES_PAGE} (got ${JSON.stringify(limit)})`);
    }
    return { since, limit };
  },
  markRequest: (fields) => markTargetOf(fields),
  preferencesRequest: (fields) => {
    onlyKnownFields('preferencesRequest', fields, []);
    return {};
  },
  // The preferences service checks them, naming every problem, as for the REST body.
  preferencesUpdate: (fields) => ({ preferences: fields }),
};

const REQUEST_NAMES = Object.keys(PARSERS) as RequestName[];
const KNOWN = `known requests: ${REQUEST_NAMES.join(', ')}`;
/** The one request that may also be sent as a bare JSON string (the earlier servers' form). */
const BARE_REQUEST = 'unseenNotificationDataRequest';

/** Parses one device frame's text; throws DeviceRequestError saying what is wrong. */
export function parseDeviceRequest(text: string): DeviceRequest {
  const problem = jsonTextProblem(text);
  if (problem !== undefined) throw new DeviceRequestError(`the frame cannot be taken: ${problem}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DeviceRequestError(`the frame is not JSON (${(error as Error).message})`);
  }
  if (value === BARE_REQUEST) return { name: BARE_REQUEST, params: { limit: DEFAULT_LIMIT } };
  if (typeof value === 'string') throw new DeviceRequestError(`unknown request ${JSON.stringify(value)}; ${KNOWN}`);
  if (!isObject(value)) throw new DeviceRequestError(`expected a request object such as {"${BARE_REQUEST}": {}}; ${KNOWN}`);

  const requestId = requestIdOf(value);
  const names = Object.keys(value).filter((key) => key !== 'requestId');
  try {
    if (names.length !== 1) throw new DeviceRequestError(`expected exactly one request per frame, got ${names.length}; ${KNOWN}`);
    const [name] = names;
    if (!Object.hasOwn(PARSERS, name)) throw new DeviceRequestError(`unknown request ${JSON.stringify(name)}; ${KNOWN}`);
    const fields = value[name];
    if (!isObject(fields)) throw new DeviceRequestError(`${name} must be an object (of its parameters; {} for none)`);
    return { name, params: PARSERS[name as RequestName](fields), requestId } as DeviceRequest;
  } catch (error) {
    throw error instanceof DeviceRequestError ? new DeviceRequestError(error.message, requestId) : error;
  }
}

/** The same checks as the REST body of POST /api/users/:userId/notifications/mark (MarkBody), with the same messages. */
function markTargetOf(fields: Fields): MarkTarget {
  const body = plainToInstance(MarkBody, fields);
  const errors = validateSync(body, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new DeviceRequestError(`markRequest: ${messagesOf(errors).join('; ')}`);
  try {
    return toMarkTarget(body);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new DeviceRequestError(`markRequest: ${error.message}`);
    throw error;
  }
}

function messagesOf(errors: readonly ValidationError[]): string[] {
  return errors.flatMap((error) => [...Object.values(error.constraints ?? {}), ...messagesOf(error.children ?? [])]);
}

function requestIdOf(frame: Fields): RequestId | undefined {
  const { requestId } = frame;
  if (requestId === undefined || typeof requestId === 'string' || (typeof requestId === 'number' && Number.isFinite(requestId))) return requestId;
  throw new DeviceRequestError('requestId must be a string or a number');
}

function onlyKnownFields(request: string, fields: Fields, known: readonly string[]): void {
  const unknown = Object.keys(fields).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new DeviceRequestError(`${request}.${unknown} is not a parameter; expected ${known.length > 0 ? known.join(', ') : 'none ({})'}`);
}

function limitOf(request: string, limit: unknown): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT) return limit;
  throw new DeviceRequestError(`${request}.limit must be an integer from 1 to ${MAX_LIMIT} (got ${JSON.stringify(limit)})`);
}

// A date, or a date-time with optional seconds, fraction and offset.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A date-time without an offset is read as UTC, so the answer does not depend on the
 * server's time zone. Fractions finer than milliseconds are cut, as stored dates have none.
 */
function dateOf(field: string, text: unknown): Date {
  const problem = `${field} must be an ISO-8601 date-time such as "2024-05-01T12:00:00Z" (got ${JSON.stringify(text)})`;
  const match = typeof text === 'string' ? ISO_8601.exec(text) : null;
  if (!match) throw new DeviceRequestError(problem);
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset = 'Z'] = match;
  // Date.parse rolls 2024-02-30 over to March; a day past the month's end is a typo.
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > daysInMonth) throw new DeviceRequestError(problem);
  const normalized = `${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.slice(0, 3).padEnd(3, '0')}${normalizeOffset(offset)}`;
  const date = new Date(normalized);
  if (Number.isNaN(date.getTime())) throw new DeviceRequestError(problem);
  return date;
}

function normalizeOffset(offset: string): string {
  return offset.toUpperCase() === 'Z' ? 'Z' : `${offset.slice(0, 3)}:${offset.slice(-2)}`;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
