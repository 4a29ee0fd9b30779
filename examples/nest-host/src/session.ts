import type { IncomingMessage } from 'node:http';

/**
 * The host's own idea of who is signed in; here a bare `session` cookie naming the user, where a
 * real application would look its session up. pns asks it of every device that connects.
 */
export async function sessionUser(request: IncomingMessage): Promise<string | null> {
  const cookie = request.headers.cookie ?? '';
  const match = /(?:^|;\s*)session=([\w.-]+)/.exec(cookie);
  return match ? match[1] : null;
}
