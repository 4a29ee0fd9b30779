import { Logger } from '@nestjs/common';
import { pino } from 'pino';
import { PinoLogger } from './logger';
import { readableLines } from './readable-lines';

function capture(): { lines: string[]; stream: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
}

describe('PinoLogger', () => {
  const logged = (level: pino.Level, write: (logger: Logger) => void): Record<string, unknown>[] => {
    const { lines, stream } = capture();
    Logger.overrideLogger(new PinoLogger(pino({ level, formatters: { level: (label) => ({ level: label }) } }, stream)));
    try {
      write(new Logger('Area'));
    } finally {
      Logger.overrideLogger(false);
    }
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it("writes Nest's context, an error's stack, and an object message's fields", () => {
    const lines = logged('info', (logger) => {
      logger.log('started');
      logger.error('failed', 'Error: boom\n    at somewhere');
      logger.warn({ msg: 'GET /x 200 1ms', route: '/x', status: 200 });
    });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', context: 'Area', msg: 'started' }),
      expect.objectContaining({ level: 'error', context: 'Area', msg: 'failed', stack: 'Error: boom\n    at somewhere' }),
      expect.objectContaining({ level: 'warn', context: 'Area', msg: 'GET /x 200 1ms', route: '/x', status: 200 }),
    ]);
  });

  it("maps LOG_LEVEL's words: log is info, verbose is trace", () => {
    const lines = logged('info', (logger) => {
      logger.verbose('hidden');
      logger.debug('hidden');
      logger.log('shown');
    });
    expect(lines.map((line) => line.msg)).toEqual(['shown']);
    expect(logged('trace', (logger) => logger.verbose('shown'))).toEqual([expect.objectContaining({ level: 'trace', msg: 'shown' })]);
  });
});

describe('readableLines', () => {
  it('turns a JSON line into one readable line, fields the message already says left out', () => {
    const out: string[] = [];
    const stream = readableLines({ write: (text: string) => out.push(text) } as unknown as NodeJS.WritableStream);
    stream.write(
      JSON.stringify({ level: 'info', time: '2026-12-01T13:20:01.234Z', pid: 1, context: 'HTTP', msg: 'GET /x 200 1.2ms', method: 'GET', route: '/x', status: 200, durationMs: 1.2, requestId: 'r-1' }),
    );
    stream.write(JSON.stringify({ level: 'error', time: '2026-12-01T13:20:02.000Z', msg: 'failed', stack: 'Error: boom\n    at x' }));
    expect(out).toEqual(['13:20:01.234 INFO  [HTTP] GET /x 200 1.2ms durationMs=1.2 requestId=r-1\n', '13:20:02.000 ERROR failed\nError: boom\n    at x\n']);
  });
});
