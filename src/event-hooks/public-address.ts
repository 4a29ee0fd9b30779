import { BlockList, isIP } from 'node:net';

/**
 * Addresses an event hook must not reach unless EVENT_HOOK_ALLOW_PRIVATE is set: pns would
 * otherwise be a way into the network it runs in (its database, cloud metadata, admin ports).
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", incl. the unspecified address
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT, private to a provider
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, incl. cloud metadata at 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed inside some networks)
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** An IPv4 address carried in IPv6 (`::ffff:a.b.c.d`, also in hex, or NAT64 `64:ff9b::/96`). */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:::ffff:(?:0:)?|64:ff9b::)(.+)$/i.exec(address);
  if (!match) return undefined;
  const tail = match[1];
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!hex) return undefined;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** True for an IP address on the public internet; false for anything else, non-addresses too. */
export function isPublicAddress(address: string): boolean {
  const unbracketed = address.replace(/^\[(.*)\]$/, '$1');
  const version = isIP(unbracketed);
  if (version === 4) return !NOT_PUBLIC.check(unbracketed, 'ipv4');
  if (version !== 6) return false;
  // The URL parser writes IPv6 in its one compressed form, so the patterns above see every spelling.
  const canonical = new URL(`http://[${unbracketed}]`).hostname.slice(1, -1);
  const ipv4 = embeddedIpv4(canonical);
  if (ipv4 !== undefined) return !NOT_PUBLIC.check(ipv4, 'ipv4');
  return !NOT_PUBLIC.check(canonical, 'ipv6');
}
