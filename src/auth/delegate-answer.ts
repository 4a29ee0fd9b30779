import { isUserId } from '../common/user-id.js';

/**
 * The user a `200` answer of the application names: `{"user_id": "…"}`, or `{"userId": "…"}`.
 * Undefined when the body is anything else, which the caller treats as a broken delegate.
 */
export function userIdFromDelegateAnswer(body: string): string | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return undefined;
  const fields = answer as Record<string, unknown>;
  const userId = 'user_id' in fields ? fields.user_id : fields.userId;
  return isUserId(userId) ? userId : undefined;
}
