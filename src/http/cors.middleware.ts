import type { IncomingMessage, ServerResponse } from 'node:http';
import { ForbiddenException } from '@nestjs/common';
import { isOriginAllowed, normalizeOrigin } from '../auth/origin.js';

type Next = (error?: unknown) => void;

/** What a page of another origin may load or call (docs/firewalls.md, CORS); nothing else answers CORS. */
export const CORS_PATHS: ReadonlySet<string> = new Set(['/client.js', '/subscribe', '/subscribe/requests', '/push/vapid-public-key']);

/** Last-Event-ID: an SSE polyfill reconnecting sends it as a header, which needs a preflight. */
const ALLOWED_HEADERS = 'Content-Type, Authorization, Last-Event-ID, Cache-Control, X-Requested-With, X-Request-Id';
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the device transports and the browser client, in one place. An allowed origin
 * (any http(s) origin when ALLOWED_ORIGINS is unset) is echoed with credentials allowed, since
 * delegation authenticates with the page's cookies: the wildcard `*` would forbid them. Other
 * origins get no CORS headers, and the device transports refuse them with 403 anyway.
 */
export function deviceCors(allowed: ReadonlySet<string> | undefined) {
  return (request: IncomingMessage, response: ServerResponse, next: Next): void => {
    if (!CORS_PATHS.has(pathOf(request.url))) return next();
    // Answers differ by Origin: caches must keep them apart.
    appendVary(response, 'Origin');
    const origin = request.headers.origin;
    // `null` (sandboxed frames, file: pages) and other non-http(s) origins are never echoed.
    const permitted = origin !== undefined && normalizeOrigin(origin) !== undefined && isOriginAllowed(allowed, origin);
    if (permitted) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (!preflight) return next();
    if (!permitted) return next(new ForbiddenException('this origin is not allowed (ALLOWED_ORIGINS)'));
    response.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    response.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    response.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
    response.statusCode = 204;
    response.end();
  };
}

/** The path without query and trailing slashes (`/subscribe/` is routed as `/subscribe`). */
function pathOf(url = '/'): string {
  const path = url.split('?', 1)[0];
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function appendVary(response: ServerResponse, field: string): void {
  const vary = response.getHeader('Vary');
  const fields = typeof vary === 'string' ? vary.split(',').map((name) => name.trim()) : [];
  if (!fields.some((name) => name.toLowerCase() === field.toLowerCase() || name === '*')) response.setHeader('Vary', [...fields, field].filter(Boolean).join(', '));
}
