// Builds pns: the Prisma client, the server (dist/), the browser client (dist/client/) and the
// Node client (node-client/dist/).
//
//   node scripts/build.mjs             always builds (`npm run build`, npm test's pretest)
//   node scripts/build.mjs --if-stale  builds only when the sources changed since the last build
//                                      (`npm start`, `npm run retention`)
//
// A build writes a stamp holding a hash of everything it reads; a start whose hash matches the
// stamp skips the build (a content hash, not mtimes: a checkout or a copy changes mtimes, not
// code). Builds of one checkout take turns under a lock, so starts launched together never run
// `prisma generate` over each other: the later ones wait, then find the build fresh.
//
// A production image has no dev dependencies (no TypeScript): it was built when it was made,
// and its dist/ is used as it is.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const STAMP = 'dist/.build-stamp';
const LOCK = '.build.lock';
/** What the build reads. Changing any of these makes the next start rebuild. */
const INPUT_FOLDERS = ['src', 'client/src', 'node-client/src', 'scripts'];
const INPUT_FILES = ['prisma/schema.prisma', 'prisma.config.ts', 'tsconfig.json', 'tsconfig.build.json', 'client/tsconfig.json', 'node-client/tsconfig.json', 'package-lock.json'];
/** Made by the build from the inputs, so never an input. */
const GENERATED = 'src/generated';
/** What the build makes; a missing one means the build must run whatever the stamp says. */
const OUTPUTS = ['dist/main.js', 'dist/retention.js', 'dist/client/pns-client.js', 'node-client/dist/index.js', 'src/generated/prisma'];
/**
 * A lock whose holder stopped refreshing it (every few seconds) for this long is taken over:
 * its process died. Generous, since a loaded machine can delay the refresh timer.
 */
const LOCK_STALE_MS = 20_000;
/** Longest wait for another build: a cold build on a busy 2-core machine takes about a minute. */
const LOCK_WAIT_MS = 10 * 60_000;

const onlyIfStale = process.argv.includes('--if-stale');

if (!canBuild()) {
  if (!existsSync('dist/main.js')) fail('dist/ is missing and TypeScript is not installed: run `npm ci` then `npm run build`');
  process.exit(0);
}
if (onlyIfStale && (await isFresh())) process.exit(0);

const { lock } = require('proper-lockfile');
const release = await acquireBuildLock(lock);
try {
  // Another start may have built while this one waited.
  if (!(onlyIfStale && (await isFresh()))) await build();
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`pns: the build failed: ${error.message}\n`);
} finally {
  await release();
}

function canBuild() {
  try {
    require.resolve('typescript');
    return true;
  } catch {
    return false;
  }
}

async function isFresh() {
  if (!OUTPUTS.every((output) => existsSync(output))) return false;
  const stamp = await readFile(STAMP, 'utf8').catch(() => undefined);
  return stamp === (await inputsHash());
}

async function build() {
  // Hashed before building: a source saved during the build makes the next start build again.
  const hash = await inputsHash();
  await rm(STAMP, { force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  // The two client packages need neither the Prisma client nor the server: they compile alongside.
  await Promise.all([
    run('scripts/prisma-generate.mjs').then(() => run(tsc, '-p', 'tsconfig.build.json')),
    run(tsc, '-p', 'client/tsconfig.json'),
    run(tsc, '-p', 'node-client/tsconfig.json'),
  ]);
  await writeFile(STAMP, hash);
}

async function inputsHash() {
  const files = [...INPUT_FILES.filter((file) => existsSync(file))];
  for (const folder of INPUT_FOLDERS) files.push(...(await filesUnder(folder)));
  files.sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(await readFile(file)).update('\0');
  return hash.digest('hex');
}

async function filesUnder(folder) {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.startsWith(GENERATED + '/'));
}

/** Waits its turn; answers the release. Builds spawn asynchronously so the lock keeps being refreshed. */
async function acquireBuildLock(lock) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      return await lock('.', { lockfilePath: LOCK, stale: LOCK_STALE_MS, realpath: false });
    } catch (error) {
      if (error.code !== 'ELOCKED') throw error;
      if (Date.now() > deadline) fail(`another build of this checkout has held ${LOCK} for over ${LOCK_WAIT_MS / 60_000} minutes; if none is running, remove ${LOCK}`);
      if (!told) process.stderr.write('pns: waiting for another build of this checkout to finish\n');
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function run(script, ...args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${script} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`))));
  });
}

function fail(message) {
  process.stderr.write(`pns: ${message}\n`);
  process.exit(1);
}
