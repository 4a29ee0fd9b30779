import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Every child the harness starts is registered here and killed when the harness exits, whatever
 * the way out (normal end, exception, Ctrl-C): no server or load generator outlives a run.
 */
const children = new Set();

export function track(child, name) {
  child.benchName = name;
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function stopChild(child, signal = 'SIGTERM', graceMs = 12_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function killAll() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

process.once('exit', killAll);

/** A worker module in its own Node process, driven by request/answer messages over IPC. */
export class Worker {
  constructor(modulePath, name, execArgv = []) {
    this.child = track(fork(modulePath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv }), name);
    this.pending = new Map();
    this.nextId = 1;
    this.child.on('message', (message) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`${name}: ${message.error}`));
      else waiter.resolve(message.result);
    });
    this.child.once('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${name} exited (${code}) before answering`));
      this.pending.clear();
    });
  }

  call(command, args = {}, timeoutMs = 180_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.child.benchName}: ${command} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.child.send({ id, command, args });
    });
  }

  stop() {
    return stopChild(this.child);
  }
}

/**
 * The worker side: answers commands with `handlers[command](args)`. A worker exits when its
 * parent goes (IPC closed) and after `lifetimeMs` at most, so none can be left running.
 */
export function serveWorker(handlers, lifetimeMs = 15 * 60_000) {
  setTimeout(() => process.exit(3), lifetimeMs).unref();
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.on('message', async ({ id, command, args }) => {
    try {
      const result = await handlers[command](args);
      process.send({ id, result });
    } catch (error) {
      process.send({ id, error: error?.stack ?? String(error) });
    }
  });
}

/** Runs a command to its end; resolves its output. */
export async function run(command, args, options = {}) {
  const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }), command);
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0 && !options.allowFailure) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr}${stdout}`);
  return { code, stdout, stderr };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
