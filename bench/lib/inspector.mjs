import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';

/** A DevTools protocol session with a server started with --inspect: `call(method, params)`, `close()`. */
async function session(inspectPort) {
  const [target] = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let nextId = 1;
  return {
    call: (method, params = {}) =>
      new Promise((resolve) => {
        const id = nextId++;
        const onMessage = (raw) => {
          const message = JSON.parse(raw.toString());
          if (message.id !== id) return;
          socket.off('message', onMessage);
          resolve(message.result);
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

/**
 * Runs a full garbage collection in a server started with --inspect (the DevTools protocol's
 * HeapProfiler.collectGarbage), so that RSS read after it counts live memory, not garbage.
 */
export async function collectGarbage(inspectPort) {
  const devtools = await session(inspectPort);
  await devtools.call('HeapProfiler.enable');
  await devtools.call('HeapProfiler.collectGarbage');
  await devtools.call('HeapProfiler.collectGarbage');
  const heap = await devtools.call('Runtime.getHeapUsage');
  devtools.close();
  return heap;
}

/**
 * A V8 CPU profile of a server started with --inspect over `body` alone (one phase of a
 * scenario, where --cpu-prof would cover the whole process life), written to
 * `<dir>/<name>.cpuprofile` for the harness's summary. Without `dir`, just runs `body`.
 */
export async function profileDuring(inspectPort, dir, name, body) {
  if (!dir) return body();
  await mkdir(dir, { recursive: true });
  const devtools = await session(inspectPort);
  await devtools.call('Profiler.enable');
  await devtools.call('Profiler.setSamplingInterval', { interval: 1000 });
  await devtools.call('Profiler.start');
  try {
    return await body();
  } finally {
    const { profile } = await devtools.call('Profiler.stop');
    devtools.close();
    await writeFile(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
}
