import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

const LEVELS_FROM: Record<AppConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** One JSON object a line in production (for log shippers), readable lines in development. */
export function createLogger(config: AppConfig): ConsoleLogger {
  return new ConsoleLogger({
    json: config.production,
    colors: !config.production && process.stdout.isTTY,
    logLevels: LEVELS_FROM[config.logLevel],
  });
}
