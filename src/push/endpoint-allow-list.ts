/**
 * Web Push endpoints pns may call: only the configured push services' origins, so that a
 * subscription cannot aim pns's requests at an internal address (SSRF).
 * An entry `https://*.example.com` allows any subdomain of example.com, not example.com itself.
 */
export class EndpointAllowList {
  private readonly exact = new Set<string>();
  private readonly suffixes: { suffix: string; port: string }[] = [];

  constructor(origins: readonly string[]) {
    for (const origin of origins) {
      const wildcard = /^https:\/\/\*(\.[^:/]+)(?::(\d+))?$/.exec(origin);
      if (wildcard) this.suffixes.push({ suffix: wildcard[1], port: wildcard[2] ?? '' });
      else this.exact.add(origin);
    }
  }

  allows(endpoint: URL): boolean {
    if (endpoint.protocol !== 'https:') return false;
    if (this.exact.has(endpoint.origin)) return true;
    return this.suffixes.some(({ suffix, port }) => endpoint.hostname.endsWith(suffix) && endpoint.hostname.length > suffix.length && endpoint.port === port);
  }
}
