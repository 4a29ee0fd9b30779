import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';

const ERROR_SCHEMA = 'Error';
const GONE_SCHEMA = 'ErrorWithVersion';
/** The device protocol's error frame, the body of POST /subscribe/requests when a request fails. */
export const DEVICE_ERROR_SCHEMA = 'DeviceErrorFrame';
const APP_TOKEN_SCHEME = 'app-token';
const READ_METHODS = new Set(['get', 'head']);

/** Routes that never reach the database (assets, liveness, the instance's own state). */
const WITHOUT_DATABASE = new Set(['/client.js', '/pns-sw.js', '/demo', '/metrics', '/api/status/ping', '/health/live']);

/**
 * What every route can answer beside its own statuses, and the one error body (the exception
 * filter's `{statusCode, error, message}`) on every 4xx and 5xx, so that generated clients can
 * read any error: a body over the limit (413) wherever a body is read, the database out of reach
 * (503) wherever it is used, an unexpected failure (500) anywhere.
 */
export function completeErrors(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = {
    ...document.components.schemas,
    [ERROR_SCHEMA]: {
      type: 'object',
      required: ['statusCode', 'error', 'message'],
      properties: {
        statusCode: { type: 'integer', example: 400 },
        error: { type: 'string', description: 'the status reason phrase', example: 'Bad Request' },
        message: { type: 'string', description: 'what is wrong; for a 500, a reference to the logged error' },
      },
    },
    [DEVICE_ERROR_SCHEMA]: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: { code: { type: 'string', enum: ['bad_request', 'internal_error', 'rate_limited'] }, message: { type: 'string' } },
        },
        requestId: { oneOf: [{ type: 'string' }, { type: 'number' }], description: "the request's, echoed" },
      },
    },
    [GONE_SCHEMA]: {
      allOf: [
        { $ref: `#/components/schemas/${ERROR_SCHEMA}` },
        { type: 'object', required: ['version'], properties: { version: { type: 'integer', description: 'the current version: reload, then resume from it' } } },
      ],
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as [string, OperationObject][]) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      const responses = operation.responses as Record<string, ResponseObject>;
      if (method === 'post' || method === 'put') responses['413'] ??= { description: 'the body is over the size limit; nothing stored' };
      const appToken = (operation.security ?? []).some((requirement) => APP_TOKEN_SCHEME in requirement);
      if (appToken && !READ_METHODS.has(method)) responses['403'] ??= { description: 'a read-only app token (APP_READONLY_TOKENS): it may only GET; nothing changed' };
      if (!WITHOUT_DATABASE.has(path)) responses['503'] ??= { description: 'the database is out of reach; retry later' };
      responses['500'] ??= { description: 'an unexpected failure; the message carries the reference it was logged under' };
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400 || response.content) continue;
        const schema = status === '410' ? GONE_SCHEMA : ERROR_SCHEMA;
        response.content = { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } };
      }
    }
  }
  return document;
}
