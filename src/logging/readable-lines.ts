import type { DestinationStream } from 'pino';

/** Said by the line's text or known to the reader already, so not repeated after it. */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'context', 'msg', 'method', 'route', 'status']);

/**
 * Development output: pino's JSON lines turned into `12:00:01.234 INFO  [HTTP] GET /x 200
 * durationMs=1.2 requestId=…`, the stack of an error below its line.
 */
export function readableLines(out: NodeJS.WritableStream): DestinationStream {
  return {
    write(json: string): void {
      const line = JSON.parse(json) as Record<string, unknown>;
      const time = typeof line.time === 'string' ? line.time.slice(11, 23) : '';
      const level = String(line.level).toUpperCase().padEnd(5);
      const context = line.context === undefined ? '' : `[${String(line.context)}] `;
      const fields = Object.entries(line)
        .filter(([key, value]) => !SHOWN.has(key) && key !== 'stack' && key !== 'err' && value !== undefined)
        .map(([key, value]) => ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join('');
      const err = line.err as { stack?: string } | undefined;
      const stack = typeof line.stack === 'string' ? line.stack : err?.stack;
      out.write(`${time} ${level} ${context}${String(line.msg ?? '')}${fields}\n${stack ? `${stack}\n` : ''}`);
    },
  };
}
