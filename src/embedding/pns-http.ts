import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import express from 'express';
import { AppConfig } from '../config/app-config.js';
import { deviceCors } from '../http/cors.middleware.js';
import { requestLog } from '../http/request-log.middleware.js';
import { refuseUntakeableJson, textBody } from '../http/text-body.middleware.js';
import { Metrics } from '../metrics/metrics.js';
import { MAX_FRAME_BYTES } from '../realtime/core/frames.js';
import { LeanWsAdapter } from '../realtime/websocket/lean-ws-adapter.js';
import { PNS_MOUNT_PATH } from './mount-path.js';

// A batch may name 1000 users of up to 255 characters each, beside its data.
const MIN_BODY_LIMIT_BYTES = 512 * 1024;

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * What pns needs of the HTTP server it is mounted on, installed while the application is being
 * built: the express handlers go in before any the application adds when it starts (the host's
 * body parser among them), so pns reads its own bodies with its own limits, standalone or in a
 * host; and, when the application has no WebSocket adapter, ws's (a host using socket.io
 * cannot also serve pns's devices on its server).
 */
@Injectable()
export class PnsHttpSetup {
  constructor(host: HttpAdapterHost, applicationConfig: ApplicationConfig, config: AppConfig, metrics: Metrics, @Inject(PNS_MOUNT_PATH) mountPath: string) {
    const use = (path: string, handler: Middleware) => host.httpAdapter.use(path === '/' ? mountPath || '/' : `${mountPath}${path}`, handler);
    use('/', requestLog(metrics.http) as unknown as Middleware);
    // Before every route: preflights of /client.js, /subscribe and /subscribe/requests are answered here.
    use('/', deviceCors(config.allowedOrigins));
    const bodyLimit = MIN_BODY_LIMIT_BYTES + 2 * config.maxNotificationBytes;
    // These read their bodies as text, whatever the Content-Type; the JSON parser then skips them.
    use('/hooks', textBody(bodyLimit));
    use('/subscribe/requests', textBody(MAX_FRAME_BYTES));
    const parseJson = express.json({ limit: bodyLimit, type: ['application/json', 'application/*+json'], verify: refuseUntakeableJson }) as unknown as Middleware;
    // Under a name of its own: Nest skips installing the application's JSON parser when it finds a handler named like body-parser's.
    use('/', (request, response, next) => parseJson(request, response, next));
    if (!applicationConfig.getIoAdapter()) applicationConfig.setIoAdapter(new ServerWsAdapter(host));
  }
}

/** ws on the application's HTTP server, which does not exist yet while modules are built: taken when the first gateway starts. */
class ServerWsAdapter extends LeanWsAdapter {
  constructor(private readonly host: HttpAdapterHost) {
    super();
  }

  override create(port: number, options?: Record<string, unknown>): ReturnType<LeanWsAdapter['create']> {
    // The base class keeps the server it was constructed with; it is only now known.
    (this as unknown as { httpServer: unknown }).httpServer ??= this.host.httpAdapter.getHttpServer();
    return super.create(port, options);
  }
}
