import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { DEMO_TICKET_COOKIE, DemoService } from './demo.service.js';

/** The demo inbox page; registered only when DEMO is on (ClientAssetsModule). */
@ApiTags('browser client')
@Controller()
export class DemoController {
  constructor(
    private readonly demo: DemoService,
    private readonly config: AppConfig,
  ) {}

  @Get('demo')
  @ApiProduces('text/html')
  @ApiOkResponse({
    description:
      'The demo inbox (only when DEMO is on): of the ticket in ?connectionId=<ticket>, else of the application user the browser is signed in as (AUTH_DELEGATE_URL), else of a demo user of its own',
  })
  @Header('Content-Type', 'text/html; charset=utf-8')
  // The page holds a connection ticket: never cache it, never hand its address to another site.
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  async page(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const { html, demoTicket } = await this.demo.page(request);
    if (demoTicket !== undefined) {
      response.cookie(DEMO_TICKET_COOKIE, demoTicket, {
        path: '/demo',
        httpOnly: true,
        sameSite: 'lax',
        secure: this.config.publicUrl.startsWith('https:'),
        maxAge: this.config.ticketTtlMs,
      });
    }
    return html;
  }
}
