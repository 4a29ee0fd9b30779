/**
 * A scratch project's uses of the two packages, as their users would write them. Kept as text:
 * they import the installed packages, which only the scratch project has.
 *
 * Each file also holds misuses marked `@ts-expect-error`: if a package's types were missing or
 * `any`, the expected errors would not happen and tsc would fail on the unused directives.
 */

export const SCRATCH_PACKAGE_JSON = { name: 'scratch-pns-user', version: '1.0.0', private: true, type: 'module' };

/** A backend: no DOM, no @types/node; it declares the two Node globals it uses. */
export const BACKEND_SOURCE = `
import { PnsClient, PnsError, PnsGoneError, type NotifyResult, type UserCounts } from '@pns/node-client';

declare const process: { env: Record<string, string | undefined>; stdout: { write(text: string): boolean } };

const pns = new PnsClient({ url: process.env.PNS_URL!, token: process.env.PNS_TOKEN!, retry: { retries: 2 } });
const result: NotifyResult = await pns.notify({ userId: process.env.PNS_USER!, data: { from: 'the packed client' }, category: 'pack' });
process.stdout.write(JSON.stringify(result));

export async function versionOf(userId: string): Promise<number> {
  try {
    const counts: UserCounts = await pns.counts(userId);
    return counts.version;
  } catch (error) {
    if (error instanceof PnsGoneError) return error.version;
    if (error instanceof PnsError && error.status === 404) return 0;
    throw error;
  }
}

export function misuses(client: PnsClient): void {
  // @ts-expect-error data is required
  void client.notify({ userId: 'u1' });
  // @ts-expect-error userId or userIds, not both
  void client.notify({ userId: 'u1', userIds: ['u2'], data: null });
  // @ts-expect-error since is a version number
  void client.changes('u1', '3');
  // @ts-expect-error not a mark
  void client.mark('u1', 'pinned', { all: true });
  // @ts-expect-error status is a number
  const status: string = new PnsError(400, 'Bad Request', 'no', {}).status;
  void status;
}
`;

export const BACKEND_TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022'], types: [], strict: true, outDir: 'out' },
  files: ['backend.ts'],
};

/** A page's script, type-checked only (it needs a browser to run). */
export const BROWSER_SOURCE = `
import { createClient, PnsError, type Change, type Counts, type Item, type MarkResult, type PnsClient } from '@pns/client';

export function connect(url: string, ticket: string): PnsClient {
  const client = createClient({ url, connectionId: ticket, transport: 'auto' });
  client.on('count', (count: number) => {
    document.title = count > 0 ? \`(\${count}) Inbox\` : 'Inbox';
  });
  client.on('counts', (counts: Counts) => console.log(counts.version, counts.categories));
  client.on('change', (change: Change) => console.log(change.type, change.ids));
  client.on('error', (error: PnsError) => console.warn(error.code));
  return client;
}

export function unseen(client: PnsClient): Promise<Item[]> {
  return client.fetchUnseen(10);
}

export function readAll(client: PnsClient): Promise<MarkResult> {
  return client.mark('read', { all: true });
}

export function misuses(client: PnsClient): void {
  // @ts-expect-error a count is a number
  client.on('count', (count: string) => count.length);
  // @ts-expect-error not a transport
  createClient({ transport: 'carrier-pigeon' });
  // @ts-expect-error not a mark
  void client.mark('pinned', { all: true });
}
`;

export const BROWSER_TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022', 'DOM'], types: [], strict: true, noEmit: true },
  files: ['browser.ts'],
};
