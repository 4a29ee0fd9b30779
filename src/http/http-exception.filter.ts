import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { referenceUnexpectedError } from '../common/error-reference.js';
import { ConflictError, GoneError, InvalidInputError, NotFoundError, PayloadTooLargeError, UnavailableError } from '../common/errors.js';
import { asUnavailableWhenDatabaseIsDown } from '../database/database-errors.js';

/** How long a client should wait before retrying what a 503 refused: a database restart or failover takes seconds. */
export const RETRY_AFTER_SECONDS = 1;

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** 410 only: the current version the client must reload at. */
  version?: number;
}

const DOMAIN_STATUS = new Map<Function, HttpStatus>([
  [NotFoundError, HttpStatus.NOT_FOUND],
  [ConflictError, HttpStatus.CONFLICT],
  [GoneError, HttpStatus.GONE],
  [InvalidInputError, HttpStatus.BAD_REQUEST],
  [PayloadTooLargeError, HttpStatus.PAYLOAD_TOO_LARGE],
  [UnavailableError, HttpStatus.SERVICE_UNAVAILABLE],
]);

/**
 * Every HTTP error answer is `{statusCode, error, message}`. Anything not known to be the
 * client's fault is a 500 whose details go to the log under a reference, never to the client.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    if (response.headersSent) return;
    const request = http.getRequest<Request>();
    const route = (request.route as { path?: string } | undefined)?.path ?? '(unmatched)';
    const body = this.toBody(exception, `${request.method} ${request.baseUrl}${route} (request ${String(request.headers['x-request-id'])})`);
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE && !response.hasHeader('Retry-After')) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(body.statusCode).json(body);
  }

  /** `during` names what failed, in the log only: the route pattern, as the request log does, so no secret in a URL is logged. */
  toBody(thrown: unknown, during: string): ErrorBody {
    // A database outage is nobody's fault and passes: 503, not a 500 with a reference.
    const exception = asUnavailableWhenDatabaseIsDown(thrown);
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const answer = exception.getResponse();
      const message = typeof answer === 'string' ? answer : (answer as { message?: unknown }).message;
      return { statusCode, error: reasonPhrase(statusCode), message: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message) };
    }
    const domainStatus = exception instanceof Error ? DOMAIN_STATUS.get(exception.constructor) : undefined;
    if (domainStatus !== undefined) {
      const body = { statusCode: domainStatus, error: reasonPhrase(domainStatus), message: (exception as Error).message };
      return exception instanceof GoneError ? { ...body, version: exception.version } : body;
    }
    return { statusCode: 500, error: reasonPhrase(500), message: referenceUnexpectedError(during, exception) };
  }
}

function reasonPhrase(status: number): string {
  const name = HttpStatus[status];
  return name === undefined
    ? 'Error'
    : name
        .toLowerCase()
        .split('_')
        .map((word) => word[0].toUpperCase() + word.slice(1))
        .join(' ');
}
