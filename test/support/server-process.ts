import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../src/database/embedded-postgres';
import { TEST_TOKEN } from './app';
import { expectServerBuilt } from './build';

/** pns as ops run it: `node dist/main.js` in its own process (built by `npm test`'s pretest). */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly wsUrl: string;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

const running = new Set<ServerProcess>();

/**
 * For afterEach: a failed test must not leave servers running. SIGTERM first, so that a
 * server stops its embedded database too; SIGKILL if it hangs.
 */
export async function stopServerProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(async (server) => {
      server.child.kill('SIGTERM');
      const killer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
      await server.exited;
      clearTimeout(killer);
    }),
  );
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const build = await expectServerBuilt();
  const port = await freePort();
  const child = spawn(process.execPath, [`${build}/main.js`], {
    env: { PATH: process.env.PATH, APP_TOKEN: TEST_TOKEN, RETENTION_CRON: 'off', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const server: ServerProcess = { child, baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, output: () => output, exited };
  running.add(server);
  void exited.then(() => running.delete(server));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pns did not start within 30 s:\n${output}`)), 30_000);
    const check = () => {
      if (/listening on port/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`pns exited during start:\n${output}`));
    });
  });
  return server;
}
