import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../src/database/embedded-postgres';
import { pollUntil } from './waiters';

/** Debian's pgbouncer binary, or undefined when it is not installed (`apt-get install pgbouncer`). */
export function pgbouncerBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v pgbouncer || ls /usr/sbin/pgbouncer'], { encoding: 'utf8' }).trim().split('\n')[0] || undefined;
  } catch {
    return undefined;
  }
}

export interface RunningPgBouncer {
  /** `serverUrl`'s database and credentials, through the pooler. */
  readonly url: string;
  /** Its admin console (SHOW STATS …), as the same user. */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

/**
 * PgBouncer in transaction mode in front of the database of `serverUrl`, on a free port, with
 * fewer server connections than pns's pool so that consecutive statements of one pns connection
 * really land on different server connections.
 */
export async function startPgBouncer(binary: string, serverUrl: string, serverConnections = 3): Promise<RunningPgBouncer> {
  const server = new URL(serverUrl);
  const [user, password, database] = [decodeURIComponent(server.username), decodeURIComponent(server.password), server.pathname.slice(1)];
  const port = await freePort();
  // As root PgBouncer refuses to run unless it drops to another user, which must read this folder.
  const folder = await mkdtemp(join(tmpdir(), 'pns-pgbouncer-'));
  await chmod(folder, 0o755);
  const asRoot = process.getuid?.() === 0;
  await writeFile(join(folder, 'users.txt'), `"${user}" "${password}"\n`, { mode: 0o644 });
  await writeFile(
    join(folder, 'pgbouncer.ini'),
    [
      '[databases]',
      `${database} = host=${server.hostname} port=${server.port} dbname=${database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = md5',
      `auth_file = ${join(folder, 'users.txt')}`,
      `admin_users = ${user}`,
      'pool_mode = transaction',
      `default_pool_size = ${serverConnections}`,
      'max_client_conn = 500',
      'ignore_startup_parameters = extra_float_digits,options',
      ...(asRoot ? ['user = postgres'] : []),
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const child: ChildProcess = spawn(binary, [join(folder, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const auth = `${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const url = `postgresql://${auth}/${database}`;
  await pollUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`pgbouncer exited during start:\n${output}`);
      const client = new pg.Client({ connectionString: url });
      return client.connect().then(
        () => client.end().then(() => true),
        () => false,
      );
    },
    (ready) => ready,
    `pgbouncer accepting connections on port ${port}`,
  );
  return {
    url,
    adminUrl: `postgresql://${auth}/pgbouncer`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      await rm(folder, { recursive: true, force: true });
    },
  };
}
