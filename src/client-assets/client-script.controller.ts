import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ClientAssetsService } from './client-assets.service.js';

/** The browser client as an ES module, for `import { createClient } from 'https://pns…/client.js'`. */
@ApiTags('browser client')
@Controller()
export class ClientScriptController {
  constructor(private readonly assets: ClientAssetsService) {}

  @Get('client.js')
  @ApiProduces('text/javascript')
  @ApiOkResponse({ description: 'An ES module exporting createClient(options); see client/README.md' })
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  // Revalidated on every load (the ETag makes that cheap), so a new release reaches pages at once.
  @Header('Cache-Control', 'no-cache')
  script(): Promise<string> {
    return this.assets.script();
  }
}
