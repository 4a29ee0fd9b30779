import { readdir, readFile } from 'node:fs/promises';

/** CPU seconds (user+system) of every process on the machine, with its name and parent. */
async function snapshot() {
  const processes = new Map();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = await readFile(`/proc/${entry}/stat`, 'utf8');
      const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      processes.set(Number(entry), { comm, ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100, children: (Number(fields[13]) + Number(fields[14])) / 100 });
    } catch {
      /* exited meanwhile */
    }
  }
  return processes;
}

/**
 * Where the machine's two cores went during `body`: CPU seconds per group of processes.
 * `groups` maps a name to a pid (or list); every `postgres` process is "postgres"; the rest of
 * the machine is "other".
 */
export async function cpuDuring(groups, body) {
  const before = await snapshot();
  // A group given as {pid} (filled in once its process exists) is read after the body ran.
  const started = performance.now();
  const result = await body();
  const seconds = (performance.now() - started) / 1000;
  const after = await snapshot();
  const groupOf = new Map();
  for (const [name, pids] of Object.entries(groups)) for (const pid of [pids].flat().map((p) => (typeof p === 'object' && p ? p.pid : p))) if (pid) groupOf.set(pid, name);
  const usage = {};
  for (const [pid, now] of after) {
    const used = now.cpu - (before.get(pid)?.cpu ?? 0);
    if (used <= 0) continue;
    const name = groupOf.get(pid) ?? (now.comm === 'postgres' ? 'postgres' : 'other');
    usage[name] = (usage[name] ?? 0) + used;
  }
  // Children that ran and exited within the window (a command the harness ran) are only in its cutime.
  const exited = (after.get(process.pid)?.children ?? 0) - (before.get(process.pid)?.children ?? 0);
  if (exited > 0) usage['exited children of the harness'] = exited;
  const cores = Object.fromEntries(Object.entries(usage).map(([name, used]) => [name, +(used / seconds).toFixed(2)]));
  return { result, seconds, cores };
}
