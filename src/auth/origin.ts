/**
 * An origin as browsers compare them: scheme, lower-cased host and port, with the default port
 * dropped. Undefined for what is not an http(s) origin (malformed, `null`, `file:`), so such a
 * value can never equal an allowed one.
 */
export function normalizeOrigin(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Undefined `allowed`: any origin. No Origin header is not a browser, so not refused for that. */
export function isOriginAllowed(allowed: ReadonlySet<string> | undefined, origin: string | undefined): boolean {
  if (allowed === undefined || origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  return normalized !== undefined && allowed.has(normalized);
}
