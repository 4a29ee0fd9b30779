import { InvalidInputError } from '../common/errors.js';
import { jsonTextProblem } from '../common/json-text.js';

/**
 * The notification data a hook call carries (docs/api.md, Webhook URLs): its JSON body, any JSON value, or
 * the body's `message` when that is the body's only key (the earlier servers' push shape).
 */
export function hookData(body: string): unknown {
  // A byte order mark is not JSON, but some senders' tools write one.
  const text = body.startsWith('\uFEFF') ? body.slice(1) : body;
  if (text.trim() === '') throw new InvalidInputError('the body must be JSON: any JSON value, or {"message": <any JSON>}');
  const problem = jsonTextProblem(text);
  if (problem !== undefined) throw new InvalidInputError(`the body cannot be taken: ${problem}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`the body is not JSON (${(error as Error).message})`);
  }
  if (isOnlyMessage(value)) return value.message;
  return value;
}

function isOnlyMessage(value: unknown): value is { message: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && Object.hasOwn(value, 'message');
}
