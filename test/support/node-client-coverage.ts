/** The Node client's methods shown at work in node-client-inbox.e2e-spec.ts; node-client.e2e-spec.ts shows every other one. */
export const INBOX_METHODS = ['changes', 'counts', 'mark'];
