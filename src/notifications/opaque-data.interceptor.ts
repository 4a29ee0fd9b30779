import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { InvalidInputError } from '../common/errors.js';

/**
 * Posted `data`, carried past the global ValidationPipe untouched. The pipe deletes every
 * "__proto__", "prototype" and "constructor" key at any depth of a body it validates, and
 * class-transformer's copy drops keys named like Object methods ("toString", ...); but `data`
 * is opaque to pns and must be stored as posted. Neither walk sees a private field.
 */
export class OpaqueJson {
  readonly #value: unknown;

  constructor(value?: unknown) {
    this.#value = value;
  }

  get value(): unknown {
    return this.#value;
  }
}

/**
 * For routes whose body is a JSON object with an opaque `data` member: wraps it before the
 * pipes run (interceptors run after guards, before pipes), and refuses other bodies with a
 * clearer message than the pipe's ("property 0 should not exist" for an array).
 */
@Injectable()
export class OpaqueDataInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body: unknown = context.switchToHttp().getRequest<Request>().body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInputError('the body must be a JSON object');
    if (Object.hasOwn(body, 'data')) {
      const fields = body as { data: unknown };
      fields.data = new OpaqueJson(fields.data);
    }
    return next.handle();
  }
}
