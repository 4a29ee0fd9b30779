import { execFileSync } from 'node:child_process';
import { access, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './env.mjs';
import { run } from './procs.mjs';

const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
const exists = (path) => access(path).then(() => true, () => false);
const BUILT = '.bench-built';
const removals = new Set();

/**
 * pns as it was at `commit`, built to run beside today's in the same run: a detached git
 * worktree in the temp folder, its own dependencies and its own compiled `dist/`. The worktree
 * shares this checkout's node_modules (a symlink) when the commit's package-lock.json is this
 * one's, else installs them with `npm ci` from the npm cache. A finished build is reused
 * while its folder exists; `remove()` (or removeBuilds at the harness's end) takes it away
 * unless BENCH_KEEP_BUILDS=1, which keeps it for the next run.
 * Answers { commit, root, build } for createDatabase and startServer.
 */
export async function buildAt(commit) {
  const sha = git('rev-parse', '--verify', `${commit}^{commit}`).trim();
  const root = join(tmpdir(), `pns-bench-at-${sha.slice(0, 12)}`);
  const build = join(root, 'dist');
  const built = { commit: sha.slice(0, 7), root, build, remove: () => removeWorktree(root) };
  if (process.env.BENCH_KEEP_BUILDS !== '1') removals.add(built.remove);
  if ((await readFile(join(root, BUILT), 'utf8').catch(() => '')) === sha) {
    console.log(`pns at ${built.commit}: reusing the build in ${root}`);
    return built;
  }
  const started = Date.now();
  await removeWorktree(root);
  git('worktree', 'add', '--detach', root, sha);
  const sameDependencies = git('show', `${sha}:package-lock.json`) === (await readFile(join(ROOT, 'package-lock.json'), 'utf8'));
  if (sameDependencies) await symlink(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  // Offline-friendly: the cache holds what this checkout's own install fetched.
  else await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: root, env: process.env });
  await run('npm', ['run', 'generate'], { cwd: root, env: process.env });
  await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  await readFile(join(build, 'main.js'));
  await writeFile(join(root, BUILT), sha);
  console.log(`pns at ${built.commit}: worktree ${root}, dependencies ${sameDependencies ? 'shared (same lockfile)' : 'from npm ci'}, built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return built;
}

async function removeWorktree(root) {
  if (await exists(root)) {
    try {
      git('worktree', 'remove', '--force', root);
    } catch {
      /* a folder git no longer knows as a worktree: removed below */
    }
    await rm(root, { recursive: true, force: true });
  }
  git('worktree', 'prune');
}

/** Removes every build this run made (unless BENCH_KEEP_BUILDS=1). */
export async function removeBuilds() {
  for (const remove of removals) await remove().catch((error) => console.error(`removing a build failed: ${error.message}`));
  removals.clear();
}
