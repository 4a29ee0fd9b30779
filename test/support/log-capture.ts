import type { LoggerService } from '@nestjs/common';
import { inspect } from 'node:util';

/** A logger that keeps every line at every level, as text, for assertions on what is logged. */
export class LogCapture implements LoggerService {
  readonly lines: string[] = [];

  log = (...parts: unknown[]) => this.keep('log', parts);
  error = (...parts: unknown[]) => this.keep('error', parts);
  warn = (...parts: unknown[]) => this.keep('warn', parts);
  debug = (...parts: unknown[]) => this.keep('debug', parts);
  verbose = (...parts: unknown[]) => this.keep('verbose', parts);
  fatal = (...parts: unknown[]) => this.keep('fatal', parts);

  private keep(level: string, parts: unknown[]): void {
    this.lines.push(`${level} ${parts.map((part) => (typeof part === 'string' ? part : inspect(part, { depth: Infinity, breakLength: Infinity }))).join(' ')}`);
  }
}
