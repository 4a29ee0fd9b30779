/** pns answered with an error status. */
export class PnsError extends Error {
  override readonly name: string = 'PnsError';
  /** The HTTP status, e.g. 400, 401, 404, 413, 429, 503. */
  readonly status: number;
  /** The status's reason phrase as pns sends it ("Bad Request", "Not Found", …). */
  readonly error: string;
  /** The parsed JSON body, or the text when it was not JSON (a proxy's error page). */
  readonly body: unknown;

  constructor(status: number, error: string, message: string, body: unknown) {
    super(message);
    this.status = status;
    this.error = error;
    this.body = body;
  }
}

/**
 * `changes` with a `since` older than the changes pns keeps (410): the caller must reload its
 * state (counts, lists) and go on from `version`.
 */
export class PnsGoneError extends PnsError {
  override readonly name: string = 'PnsGoneError';
  /** The user's version now. */
  readonly version: number;

  constructor(error: string, message: string, body: unknown, version: number) {
    super(410, error, message, body);
    this.version = version;
  }
}

/**
 * No answer came: pns could not be reached, the connection broke or the attempt timed out,
 * on the last attempt allowed. Whether a request that was sent took effect is unknown.
 */
export class PnsNetworkError extends Error {
  override readonly name: string = 'PnsNetworkError';

  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

/** The error for an answer with an error status; `text` is its body. */
export function errorFromAnswer(status: number, statusText: string, text: string): PnsError {
  const body = parseJson(text);
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const error = typeof fields.error === 'string' ? fields.error : statusText || `HTTP ${status}`;
  const message = typeof fields.message === 'string' ? fields.message : `${status} ${error}`;
  if (status === 410 && typeof fields.version === 'number') return new PnsGoneError(error, message, body, fields.version);
  return new PnsError(status, error, message, body);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
