import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SERVICE_WORKER_SCRIPT } from './service-worker.script.js';

/** Public, like /client.js: the service worker that shows pns pushes. */
@ApiTags('push')
@Controller()
export class ServiceWorkerController {
  @Get('pns-sw.js')
  @ApiProduces('text/javascript')
  @ApiOkResponse({ description: 'a service worker (classic script) that shows pns pushes and closes them on clear; see docs/push.md' })
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  // Browsers check a worker for updates themselves; no-cache makes each check reach pns.
  @Header('Cache-Control', 'no-cache')
  script(): string {
    return SERVICE_WORKER_SCRIPT;
  }
}
