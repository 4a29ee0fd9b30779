import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ClientAssetsService } from './client-assets.service.js';

/** The demo inbox page; registered only when DEMO is on (ClientAssetsModule). */
@ApiTags('browser client')
@Controller()
export class DemoController {
  constructor(private readonly assets: ClientAssetsService) {}

  @Get('demo')
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The demo inbox; open it as /demo?connectionId=<ticket> (only when DEMO is on)' })
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  // The page's address may hold a connection ticket: never hand it to another site.
  @Header('Referrer-Policy', 'no-referrer')
  page(): string {
    return this.assets.demoPage();
  }
}
