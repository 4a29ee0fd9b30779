import { ValidationPipe, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { HttpExceptionFilter } from './http/http-exception.filter.js';
import { AppConfig } from './config/app-config.js';
import { MAX_FRAME_BYTES } from './realtime/core/frames.js';
import { LeanWsAdapter } from './realtime/websocket/lean-ws-adapter.js';
import { createLogger } from './logging/logger.js';
import { requestLog } from './http/request-log.middleware.js';
import { Metrics } from './metrics/metrics.js';
import { serveOpenApi } from './openapi.js';
import { deviceCors } from './http/cors.middleware.js';
import { refuseUntakeableJson, textBody } from './http/text-body.middleware.js';
import { HttpDrain } from './http/http-drain.js';

// A batch may name 1000 users of up to 255 characters each, beside its data.
const MIN_BODY_LIMIT_BYTES = 512 * 1024;

/**
 * The whole HTTP + WebSocket application, configured; shared by main.ts and the tests.
 * `logger` replaces the configured one (tests pass `false` for silence, or a capturing logger);
 * `drain` is what a shutdown starts (shutdown.ts).
 */
export async function createApp(
  config: AppConfig,
  logger: LoggerService | false = createLogger(config),
  drain: HttpDrain = new HttpDrain(),
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger,
    abortOnError: false,
  });
  app.use(requestLog(app.get(Metrics).http));
  app.use(drain.middleware);
  // Before every route: preflights of /client.js, /subscribe and /subscribe/requests are answered here.
  app.use(deviceCors(config.allowedOrigins));
  const bodyLimit = MIN_BODY_LIMIT_BYTES + 2 * config.maxNotificationBytes;
  // These read their bodies as text, whatever the Content-Type; the JSON parser then skips them.
  app.use('/hooks', textBody(bodyLimit));
  app.use('/subscribe/requests', textBody(MAX_FRAME_BYTES));
  // Nest's types reserve `verify` for its rawBody option, which pns does not use; express passes it on.
  const jsonOptions = { limit: bodyLimit, type: ['application/json', 'application/*+json'], verify: refuseUntakeableJson };
  app.useBodyParser('json', jsonOptions);
  app.useWebSocketAdapter(new LeanWsAdapter(app));
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.disable('x-powered-by');
  serveOpenApi(app);
  return app;
}
