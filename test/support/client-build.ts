import { stat } from 'node:fs/promises';

const SOURCE = 'client/src/pns-client.ts';
/** Where `npm run build` compiles it, and where pns serves /client.js from. */
export const BUILT_CLIENT = 'dist/client/pns-client.js';

/** Fails unless the served client was built from the current source: a stale build would be tested instead. */
export async function expectClientBuilt(): Promise<void> {
  const [source, built] = await Promise.all([stat(SOURCE), stat(BUILT_CLIENT).catch(() => undefined)]);
  if (built === undefined || built.mtimeMs < source.mtimeMs) {
    throw new Error(`${BUILT_CLIENT} is missing or older than ${SOURCE}: run \`npm run build\` (npm test does)`);
  }
}
