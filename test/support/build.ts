import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What `npm run build` makes (npm test's pretest runs it): the server, and the served client. */
export const BUILT_SERVER = 'dist';
export const BUILT_CLIENT = 'dist/client/pns-client.js';

/**
 * For tests that run pns as ops do (`node dist/…`): fails unless the build is newer than every
 * source file, so a stale build is never what gets tested. Answers the build's folder.
 */
export async function expectServerBuilt(): Promise<string> {
  // Specs are not built (tsconfig.build.json): changing one leaves the build current.
  const sources = (await filesUnder('src')).filter((file) => !/\.(db-)?spec\.ts$/.test(file));
  await expectNewer(join(BUILT_SERVER, 'main.js'), sources);
  return BUILT_SERVER;
}

export function expectClientBuilt(): Promise<void> {
  return expectNewer(BUILT_CLIENT, ['client/src/pns-client.ts']);
}

async function expectNewer(built: string, sources: readonly string[]): Promise<void> {
  const builtAt = (await stat(built).catch(() => undefined))?.mtimeMs;
  const changedAt = Math.max(...(await Promise.all(sources.map(async (source) => (await stat(source)).mtimeMs))));
  if (builtAt === undefined || builtAt < changedAt) throw new Error(`${built} is missing or older than the sources: run \`npm run build\` (npm test does)`);
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
