import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HttpExceptionFilter } from './http/http-exception.filter.js';
import { AppConfig } from './config/app-config.js';
import { createLogger } from './logging/logger.js';
import { serveOpenApi } from './openapi.js';
import { PnsModule } from './pns.module.js';

/**
 * The whole HTTP + WebSocket application, configured; shared by main.ts and the tests.
 * `logger` replaces the configured one (tests pass `false` for silence, or a capturing logger).
 */
export async function createApp(config: AppConfig, logger: LoggerService | false = createLogger(config)): Promise<NestExpressApplication> {
  // PnsModule installs its own middleware, body parsers, WebSocket adapter, filter and pipe (pns-http.ts).
  const app = await NestFactory.create<NestExpressApplication>(PnsModule.standalone(config), {
    bodyParser: false,
    logger,
    abortOnError: false,
  });
  // Also for what no controller answers: unknown routes get pns's error format too.
  app.useGlobalFilters(new HttpExceptionFilter());
  app.disable('x-powered-by');
  serveOpenApi(app);
  return app;
}
