import type { LoggerService } from '@nestjs/common';
import { pino, stdTimeFunctions, type Level, type Logger as Pino } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { readableLines } from './readable-lines.js';

const PINO_LEVEL: Record<AppConfig['logLevel'], Level> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * One JSON object a line in production (for log shippers: `level` as a word, ISO `time`,
 * `context`, `msg`, and the fields a line carries, such as a request's), readable lines in
 * development. Every line of Nest and of pns goes through it.
 */
export function createLogger(config: AppConfig): LoggerService {
  const options = { level: PINO_LEVEL[config.logLevel], timestamp: stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) } };
  return new PinoLogger(config.production ? pino(options) : pino(options, readableLines(process.stdout)));
}

/**
 * Nest's logger interface over pino. Nest passes the context (the class or area logging) as the
 * last string argument and an error's stack before it; a plain object message is a line's
 * fields, its `msg` the text.
 */
export class PinoLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const stack = rest.find((part): part is string => typeof part === 'string');
    if (message instanceof Error) {
      this.pino[level]({ context, err: message }, message.message);
    } else if (isPlainObject(message)) {
      const { msg, ...fields } = message;
      this.pino[level]({ context, ...fields, stack }, typeof msg === 'string' ? msg : undefined);
    } else {
      this.pino[level]({ context, stack }, String(message));
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
