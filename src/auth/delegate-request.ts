import type { IncomingHttpHeaders } from 'node:http';

/**
 * What the application's endpoint hears about a device connection (docs/protocol.md, Authentication): its own
 * session headers exactly as the device sent them, and where the device connects from.
 */
export function delegateHeaders(headers: IncomingHttpHeaders, remoteAddress: string | undefined): Record<string, string> {
  const forwarded: Record<string, string> = {};
  if (headers.cookie !== undefined) forwarded.Cookie = headers.cookie;
  if (headers.authorization !== undefined) forwarded.Authorization = headers.authorization;
  if (headers.origin !== undefined) forwarded.Origin = headers.origin;
  const forwardedFor = appendForwardedFor(headers['x-forwarded-for'], remoteAddress);
  if (forwardedFor !== undefined) forwarded['X-Forwarded-For'] = forwardedFor;
  return forwarded;
}

/** The proxies' chain (`client, proxy1`) with this hop's peer appended, as a proxy would. */
export function appendForwardedFor(existing: string | string[] | undefined, remoteAddress: string | undefined): string | undefined {
  const hops = [existing ?? []].flat().filter((hop) => hop.trim() !== '');
  if (remoteAddress !== undefined) hops.push(unmapIPv4(remoteAddress));
  return hops.length > 0 ? hops.join(', ') : undefined;
}

// A dual-stack listener sees IPv4 peers as `::ffff:a.b.c.d`; proxies and the application's
// address checks expect the plain IPv4 form.
function unmapIPv4(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}
