import { UnavailableError } from '../common/errors.js';

/*
 * What a failed database call says about the database, whichever way it failed: the pg pool's
 * own errors (a socket error, a PostgreSQL error with its SQLSTATE, a pool timeout) or the
 * Prisma client's (its P-codes, or its driver adapter's error kinds with the pg error inside).
 * Each error and its causes are looked at, since every layer wraps the one below.
 */

interface ErrorFields {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
}

// Sockets that fail to open or break; the server refusing or ending sessions: admin_shutdown,
// crash_shutdown, cannot_connect_now (starting up or shutting down), too_many_connections;
// and the SQLSTATE class 08, connection exceptions.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// pg and pg-pool say these in words only.
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|is not queryable|Connection ended|the database system is (starting up|shutting down)/i;

/** The database is down or unreachable for now (not the statement's fault): retrying later may work. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return layersOf(error).some(({ code, kind, message }) => {
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_PRISMA_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(kind)) return true;
    return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
  });
}

/**
 * PostgreSQL refused a value (SQLSTATE class 22, data exception: a string jsonb cannot hold, a
 * number out of range): the statement's data is at fault, so in a statement shared by several
 * requests, perhaps only one of them.
 */
export function isDatabaseDataError(error: unknown): boolean {
  return layersOf(error).some(({ code }) => typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code));
}

/** An UnavailableError (503 with Retry-After) for a database outage; any other error as it is. */
export function asUnavailableWhenDatabaseIsDown(error: unknown): unknown {
  if (error instanceof UnavailableError || !isDatabaseUnavailable(error)) return error;
  return new UnavailableError('the database is unavailable right now; retry shortly', { cause: error });
}

function layersOf(error: unknown): ErrorFields[] {
  const layers: ErrorFields[] = [];
  for (let layer = error; typeof layer === 'object' && layer !== null && layers.length < 8; layer = (layer as ErrorFields).cause) {
    layers.push(layer as ErrorFields);
  }
  return layers;
}
