import { Controller, Get, Post, Query, Req, UnauthorizedException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { PnsService } from '../../../src/pns.module.js';
import { sessionUser } from './session.js';

/** The signed-in user's inbox through the host's own routes, calling PnsService in-process. */
@Controller('me')
export class InboxController {
  constructor(private readonly pns: PnsService) {}

  @Get('counts')
  async counts(@Req() request: IncomingMessage) {
    return this.pns.counts(await signedIn(request));
  }

  @Post('read-all')
  async readAll(@Req() request: IncomingMessage) {
    return this.pns.mark(await signedIn(request), { set: 'read', selector: { all: true } });
  }

  @Get('changes')
  async changes(@Req() request: IncomingMessage, @Query('since') since = '0') {
    return this.pns.changes(await signedIn(request), Number(since));
  }
}

async function signedIn(request: IncomingMessage): Promise<string> {
  const userId = await sessionUser(request);
  if (userId === null) throw new UnauthorizedException('sign in first');
  return userId;
}
