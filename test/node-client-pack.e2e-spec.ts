import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PnsClient } from '../node-client/src/index';
import { startApp, TEST_TOKEN, type RunningApp } from './support/app';
import { createTestDatabase } from './support/database';
import { newUser } from './support/factories';
import { BACKEND_SOURCE, BACKEND_TSCONFIG, BROWSER_SOURCE, BROWSER_TSCONFIG, SCRATCH_PACKAGE_JSON } from './support/packed-usage';

const run = promisify(execFile);
const TSC = resolve('node_modules/typescript/bin/tsc');
const PACKAGES = [
  { folder: 'client', name: '@pns/client' },
  { folder: 'node-client', name: '@pns/node-client' },
];

/** npm as a user runs it: without the npm_* variables of the npm that started jest, and offline. */
function npmEnvironment(): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_'));
  return { ...Object.fromEntries(inherited), npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: npmEnvironment(), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

interface Packed {
  name: string;
  version: string;
  filename: string;
  files: { path: string }[];
}

describe('the client packages, packed and installed from their tarballs into a scratch project', () => {
  let pns: RunningApp;
  let scratch: string;
  let packed: Packed[];

  beforeAll(async () => {
    [pns, scratch] = await Promise.all([createTestDatabase().then((url) => startApp(url)), mkdtemp(join(tmpdir(), 'pns-pack-'))]);
    packed = [];
    for (const { folder } of PACKAGES) {
      const [tarball] = JSON.parse(await npm(['pack', '--json', '--pack-destination', scratch], resolve(folder))) as Packed[];
      packed.push(tarball);
    }
  }, 240_000);
  afterAll(async () => {
    await pns?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('packs each package with its built module, declarations and README only, at the version of its package.json', async () => {
    for (const [index, { folder, name }] of PACKAGES.entries()) {
      const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as { version: string };
      expect({ name: packed[index].name, version: packed[index].version }).toEqual({ name, version: manifest.version });
      const paths = packed[index].files.map((file) => file.path);
      expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md']));
      const modules = paths.filter((path) => path.endsWith('.js'));
      expect(modules.length).toBeGreaterThan(0);
      for (const path of modules) expect(paths).toContain(path.replace(/\.js$/, '.d.ts'));
      expect(paths.filter((path) => !['package.json', 'README.md'].includes(path) && !/^dist\/[\w-]+\.(js|d\.ts)$/.test(path))).toEqual([]);
    }
  });

  it('installs both tarballs offline, type-checks a backend and a page that use them, and runs a call of the Node client', async () => {
    await writeFile(join(scratch, 'package.json'), JSON.stringify(SCRATCH_PACKAGE_JSON));
    await npm(['install', '--offline', '--no-audit', '--no-fund', ...packed.map((tarball) => `./${tarball.filename}`)], scratch);
    for (const { name } of PACKAGES) {
      const installed = JSON.parse(await readFile(join(scratch, 'node_modules', name, 'package.json'), 'utf8')) as { name: string; dependencies?: object };
      expect(installed).toEqual(expect.objectContaining({ name }));
      expect(installed.dependencies).toBeUndefined();
    }

    await Promise.all([
      writeFile(join(scratch, 'backend.ts'), BACKEND_SOURCE),
      writeFile(join(scratch, 'tsconfig.backend.json'), JSON.stringify(BACKEND_TSCONFIG)),
      writeFile(join(scratch, 'browser.ts'), BROWSER_SOURCE),
      writeFile(join(scratch, 'tsconfig.browser.json'), JSON.stringify(BROWSER_TSCONFIG)),
    ]);
    for (const project of ['tsconfig.backend.json', 'tsconfig.browser.json']) {
      await run(process.execPath, [TSC, '-p', project], { cwd: scratch, timeout: 120_000 }).catch((failure: { stdout?: string }) => {
        throw new Error(`tsc -p ${project} failed:\n${failure.stdout ?? String(failure)}`);
      });
    }

    const user = newUser('packed');
    const { stdout } = await run(process.execPath, ['out/backend.js'], { cwd: scratch, timeout: 60_000, env: { ...process.env, PNS_URL: pns.baseUrl, PNS_TOKEN: TEST_TOKEN, PNS_USER: user } });
    const printed = JSON.parse(stdout) as { notifications: { id: string; userId: string }[] };
    const stored = await new PnsClient({ url: pns.baseUrl, token: TEST_TOKEN }).list(user);
    expect(stored.items.map(({ id, data, category }) => ({ id, data, category }))).toEqual([{ id: printed.notifications[0].id, data: { from: 'the packed client' }, category: 'pack' }]);
  }, 240_000);
});
