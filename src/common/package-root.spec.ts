import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrationsDirectory, packageRoot } from './package-root';

describe('packageRoot', () => {
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'pns-root-'));
  });
  afterEach(() => rm(scratch, { recursive: true, force: true }));

  it('is this repository for this file, whatever the working directory', () => {
    expect(packageRoot()).toBe(resolve(__dirname, '../..'));
    expect(migrationsDirectory()).toBe(resolve(__dirname, '../../prisma/migrations'));
  });

  it("passes a copy of pns's package.json without migrations (a host's build) and other packages, up to pns", async () => {
    const pns = join(scratch, 'node_modules', 'pns');
    const hostBuild = join(pns, 'examples', 'host', 'dist');
    await mkdir(join(hostBuild, 'src', 'database'), { recursive: true });
    await mkdir(join(pns, 'prisma', 'migrations'), { recursive: true });
    await writeFile(join(hostBuild, 'package.json'), JSON.stringify({ name: 'pns' }));
    await writeFile(join(pns, 'examples', 'host', 'package.json'), JSON.stringify({ name: 'host' }));
    await writeFile(join(pns, 'package.json'), JSON.stringify({ name: 'pns' }));
    expect(packageRoot(join(hostBuild, 'src', 'database'))).toBe(pns);
  });

  it('fails naming where it looked when no folder above holds pns', () => {
    expect(() => packageRoot(scratch)).toThrow(new RegExp(`no package pns .* in ${scratch}`));
  });
});
