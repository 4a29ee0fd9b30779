/**
 * Messages between instances on the control channel. Anyone with database access can NOTIFY
 * on it, so what arrives is validated before it is believed.
 */
export type ControlMessage =
  /** Every instance closes the user's sockets and answers with `dropped`. */
  | { type: 'drop'; requestId: string; userId: string }
  | { type: 'dropped'; requestId: string; count: number };

export function parseControlMessage(payload: string): ControlMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  if (typeof message.requestId !== 'string') return undefined;
  if (message.type === 'drop' && typeof message.userId === 'string') {
    return { type: 'drop', requestId: message.requestId, userId: message.userId };
  }
  if (message.type === 'dropped' && Number.isSafeInteger(message.count) && (message.count as number) >= 0) {
    return { type: 'dropped', requestId: message.requestId, count: message.count as number };
  }
  return undefined;
}
