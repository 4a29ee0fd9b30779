import type { IncomingMessage, ServerResponse } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { InvalidInputError, PayloadTooLargeError } from '../common/errors.js';
import { jsonTextProblem } from '../common/json-text.js';

type Next = (error?: unknown) => void;

const bodies = new WeakMap<IncomingMessage, string>();

/**
 * Reads a POST body whole as UTF-8 text, whatever its Content-Type, for routes that parse it
 * themselves: `/subscribe/requests` hands the text to the device protocol exactly as a
 * WebSocket frame (the bare `"unseenNotificationDataRequest"` included, which the JSON parser's
 * strict mode refuses; and a browser may send `text/plain` to skip a CORS preflight), and
 * `/hooks/<secret>` takes any JSON, from senders that often label it wrongly. Registered before
 * the JSON parser, which then finds the body consumed and leaves it alone.
 */
export function textBody(limitBytes: number) {
  return (request: IncomingMessage, _response: ServerResponse, next: Next): void => {
    if (request.method !== 'POST') return next();
    const tooLarge = () => new PayloadTooLargeError(`the body is over ${limitBytes} bytes`);
    if (Number(request.headers['content-length']) > limitBytes) return next(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      next(error);
    };
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) finish(tooLarge());
      else if (!done) chunks.push(chunk);
    });
    request.on('end', () => {
      bodies.set(request, Buffer.concat(chunks).toString('utf8'));
      finish();
    });
    request.on('error', finish);
  };
}

/** The text `textBody` read ('' when there was none). */
export const TextBody = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  return bodies.get(context.switchToHttp().getRequest<IncomingMessage>()) ?? '';
});

/**
 * The JSON parser's `verify`: a body nested too deep or with a string PostgreSQL cannot store
 * is refused (400) before it is parsed, whatever route it was sent to (common/json-text.ts).
 */
export function refuseUntakeableJson(_request: IncomingMessage, _response: ServerResponse, body: Buffer): void {
  const problem = jsonTextProblem(body.toString('latin1'));
  // The parser answers what `verify` throws with the error's `status`, 403 when it has none.
  if (problem !== undefined) throw Object.assign(new InvalidInputError(`the body cannot be taken: ${problem}`), { status: 400 });
}
