import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { InvalidInputError } from '../common/errors.js';
import { isPublicAddress } from './public-address.js';

const MAX_URL_LENGTH = 2048;

/** The URL's problem, or undefined: http(s), no credentials in it, a sensible length. */
function urlProblem(text: string): string | undefined {
  if (text.length > MAX_URL_LENGTH) return `url: at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url: not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url: must be https (or http)';
  if (url.username || url.password) return 'url: must not carry credentials';
  return undefined;
}

/**
 * Checks a hook's URL when it is registered: every address its host resolves to (IPv4 and
 * IPv6) must be public, unless private targets are allowed. Deliveries check again at connect
 * time (`publicOnlyLookup`): a name may resolve elsewhere later.
 */
export async function checkHookUrl(text: string, allowPrivate: boolean): Promise<void> {
  const problem = urlProblem(text);
  if (problem) throw new InvalidInputError(problem);
  if (allowPrivate) return;
  const host = new URL(text).hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: LookupAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new InvalidInputError(`url: the host ${host} does not resolve`);
  }
  const refused = addresses.find(({ address }) => !isPublicAddress(address));
  if (refused) throw new InvalidInputError(`url: ${host} resolves to ${refused.address}, which is not a public address (EVENT_HOOK_ALLOW_PRIVATE=true allows it)`);
}

export class PrivateTargetError extends Error {}

/**
 * A `lookup` for http(s).request that refuses a name resolving to any non-public address.
 * The connection then goes to the very address checked, so a DNS answer that changes between
 * a check and the connect (DNS rebinding) cannot slip through.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find(({ address }) => !isPublicAddress(address));
    if (refused) return callback(new PrivateTargetError(`${hostname} resolves to ${refused.address}, not a public address`), '', 0);
    if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/** For a URL whose host is an IP literal, which Node connects to without any lookup. */
export function literalTargetProblem(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) && !isPublicAddress(host) ? `${host} is not a public address` : undefined;
}
