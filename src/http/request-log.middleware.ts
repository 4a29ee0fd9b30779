import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const USABLE_REQUEST_ID = /^[\w.-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when sane), returns it, and logs one
 * line per request. The line names the route pattern, never the raw URL: query strings carry
 * tickets (`connectionId`) and webhook paths carry secrets. Headers are never logged.
 */
export function requestLog(logger = new Logger('HTTP')) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && USABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    request.headers['x-request-id'] = requestId;
    response.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const failed = response.statusCode >= 500;
      // Most deployments drop verbose lines: then the hot path should not format them.
      if (!failed && !Logger.isLevelEnabled('verbose')) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = (request.route as { path?: string } | undefined)?.path ?? '(unmatched)';
      const line = `${request.method} ${request.baseUrl}${route} ${response.statusCode} ${ms.toFixed(1)}ms id=${requestId}`;
      if (failed) logger.error(line);
      else logger.verbose(line);
    });
    next();
  };
}
