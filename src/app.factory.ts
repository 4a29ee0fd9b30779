import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HttpExceptionFilter } from './http/http-exception.filter.js';
import type { Clock } from './common/clock.js';
import { AppConfig } from './config/app-config.js';
import { createLogger } from './logging/logger.js';
import { serveOpenApi } from './openapi.js';
import { HttpDrain } from './http/http-drain.js';
import { PnsModule } from './pns.module.js';

/**
 * The whole HTTP + WebSocket application, configured; shared by main.ts and the tests.
 * `logger` replaces the configured one (tests pass `false` for silence, or a capturing logger);
 * `drain` is what a shutdown starts (shutdown.ts); `clock` replaces the system's (tests).
 */
export async function createApp(
  config: AppConfig,
  logger: LoggerService | false = createLogger(config),
  drain: HttpDrain = new HttpDrain(),
  clock?: Clock,
): Promise<NestExpressApplication> {
  // PnsModule installs its own middleware, body parsers, WebSocket adapter, filter and pipe (pns-http.ts).
  const app = await NestFactory.create<NestExpressApplication>(PnsModule.standalone(config, clock), {
    bodyParser: false,
    logger,
    abortOnError: false,
  });
  // Before every route: from a shutdown's first moment, requests are refused before they are processed.
  app.use(drain.middleware);
  // Also for what no controller answers: unknown routes get pns's error format too.
  app.useGlobalFilters(new HttpExceptionFilter());
  app.disable('x-powered-by');
  serveOpenApi(app);
  return app;
}
