import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { HttpMetrics } from '../metrics/http-metrics.js';

const USABLE_REQUEST_ID = /^[\w.-]{1,128}$/;
/** What a request that matched no route is filed under, so that scanners cannot grow the label set. */
export const UNMATCHED_ROUTE = '(unmatched)';
/** nginx's code for a request whose client went away before it was answered. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * Gives every request an id (the caller's `X-Request-Id` when sane), returns it, and logs one
 * line per request at info with its method, route, status, duration and id; records it in the
 * HTTP metrics. Lines name the route pattern, never the raw URL: query strings carry tickets
 * (`connectionId`) and webhook paths carry secrets. Headers are never logged.
 */
export function requestLog(metrics?: HttpMetrics, logger = new Logger('HTTP')) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && USABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    request.headers['x-request-id'] = requestId;
    response.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    // `close` rather than `finish`: it also comes when the client leaves before the answer.
    response.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const routePath = (request.route as { path?: string } | undefined)?.path;
      const route = routePath === undefined ? UNMATCHED_ROUTE : `${request.baseUrl}${routePath}`;
      const status = response.headersSent ? response.statusCode : CLIENT_CLOSED_REQUEST;
      // An event stream lasts as long as its device stays: its duration is not a latency.
      const streamed = String(response.getHeader('content-type') ?? '').startsWith('text/event-stream');
      metrics?.record(request.method, route, status, streamed ? undefined : seconds);
      const durationMs = Math.round(seconds * 10_000) / 10;
      const line = { msg: `${request.method} ${route} ${status} ${durationMs}ms`, method: request.method, route, status, durationMs, requestId };
      if (status >= 500) logger.error(line);
      else logger.log(line);
    });
    next();
  };
}
