import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ConflictError, GoneError, InvalidInputError, NotFoundError, PayloadTooLargeError, UnavailableError } from '../common/errors.js';

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
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const body = this.toBody(exception);
    response.status(body.statusCode).json(body);
  }

  toBody(exception: unknown): ErrorBody {
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
    const reference = randomUUID();
    this.logger.error(`unhandled error ${reference}: ${exception instanceof Error ? exception.stack : String(exception)}`);
    return { statusCode: 500, error: reasonPhrase(500), message: `internal error (reference ${reference})` };
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
