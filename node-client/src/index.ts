export { PnsClient, type PnsClientOptions } from './pns-client.js';
export { PnsError, PnsGoneError, PnsNetworkError } from './errors.js';
export type { RetryOptions } from './retry.js';
export type * from './types.js';
