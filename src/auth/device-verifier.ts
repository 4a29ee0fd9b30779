import type { IncomingMessage } from 'node:http';

/**
 * A function of the application pns is mounted in that decides who a connecting device is
 * (docs/embedding.md): a user id, or null to refuse. Asked in-process, instead of AUTH_DELEGATE_URL.
 */
export type DeviceVerifier = (request: IncomingMessage) => Promise<string | null>;

export const DEVICE_VERIFIER = Symbol('DEVICE_VERIFIER');
