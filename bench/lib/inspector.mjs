import WebSocket from 'ws';

/**
 * Runs a full garbage collection in a server started with --inspect (the DevTools protocol's
 * HeapProfiler.collectGarbage), so that RSS read after it counts live memory, not garbage.
 */
export async function collectGarbage(inspectPort) {
  const [target] = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const call = (id, method) =>
    new Promise((resolve) => {
      const onMessage = (raw) => {
        const message = JSON.parse(raw.toString());
        if (message.id !== id) return;
        socket.off('message', onMessage);
        resolve(message.result);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method }));
    });
  await call(1, 'HeapProfiler.enable');
  await call(2, 'HeapProfiler.collectGarbage');
  await call(3, 'HeapProfiler.collectGarbage');
  const heap = await call(4, 'Runtime.getHeapUsage');
  socket.close();
  return heap;
}
