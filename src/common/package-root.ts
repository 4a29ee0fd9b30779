import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'pns';

const MIGRATIONS = join('prisma', 'migrations');

/**
 * The folder of pns's own package, found from this file's location rather than the working
 * directory: a host application that mounts pns (docs/embedding.md) starts wherever it likes, and
 * pns's migrations and built browser client still come from pns. Walking up covers every layout
 * the code runs from: src/ under jest, dist/ when built, a host's own build of the sources, and
 * node_modules/pns when installed. The migrations tell the package from the copy of its
 * package.json that tsc emits into a build that includes it.
 */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (isPnsPackage(folder)) return folder;
    if (dirname(folder) === folder) throw new Error(`no package ${PACKAGE_NAME} (package.json and ${MIGRATIONS}) in ${from} or any folder above it`);
  }
}

function isPnsPackage(folder: string): boolean {
  const manifest = join(folder, 'package.json');
  if (!existsSync(manifest) || !existsSync(join(folder, MIGRATIONS))) return false;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
}

/** Where pns's migrations are, whatever the working directory. */
export function migrationsDirectory(): string {
  return join(packageRoot(), MIGRATIONS);
}
