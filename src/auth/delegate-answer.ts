import { jsonTextProblem } from '../common/json-text.js';
import { isUserId } from '../common/user-id.js';

/**
 * The user a `200` answer of the application names: `{"user_id": "…"}`, or `{"userId": "…"}`.
 * Many applications' ids are integers: `{"user_id": 42}` names user "42", the id a backend
 * serializing the same integer into a path or a body field would use. Undefined when the body
 * is anything else, which the caller treats as a broken delegate.
 */
export function userIdFromDelegateAnswer(body: string): string | undefined {
  if (jsonTextProblem(body) !== undefined) return undefined;
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return undefined;
  const fields = answer as Record<string, unknown>;
  const named = 'user_id' in fields ? fields.user_id : fields.userId;
  const userId = Number.isSafeInteger(named) ? String(named) : named;
  return isUserId(userId) ? userId : undefined;
}
