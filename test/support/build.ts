import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Compiles the current sources into `dist/test-build/<name>` and returns that folder, for tests
 * that run pns code in a child process. A folder per test file, not dist/ itself, which other
 * test files run while this one builds. Inside the project, so node_modules and the
 * package's `"type": "module"` apply. Needs the generated Prisma client (`npm test` makes it).
 */
export async function buildForTests(name: string): Promise<string> {
  const outDir = `dist/test-build/${name}`;
  await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', outDir]).catch((error: { stdout?: string }) => {
    // Type errors in files being worked on still emit JavaScript: the type check is `npm run
    // typecheck`'s job, and a file that did not emit fails the test that runs it.
    if (!/error TS/.test(error.stdout ?? '')) throw error;
  });
  return outDir;
}
