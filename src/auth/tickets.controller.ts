import { Controller, HttpCode, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiAppToken } from '../common/api-docs.js';
import { UserIdPipe } from '../common/user-id.js';
import { AppTokenGuard } from './app-token.guard.js';
import { RegisterTicketQuery } from './dto/register-ticket.query.js';
import { TicketDto, toTicketDto } from './dto/ticket.dto.js';
import { TicketsService } from './tickets.service.js';

/** The backend registers a ticket and hands it to its client (docs/api.md, Devices); the earlier servers' route too. */
@ApiTags('devices')
@ApiAppToken()
@Controller('api')
@UseGuards(AppTokenGuard)
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Put(':userId/register')
  @HttpCode(200)
  @ApiOkResponse({ type: TicketDto, description: 'the device connects to /subscribe?connectionId=<id> until expiresAt (TICKET_TTL)' })
  async register(@Param('userId', UserIdPipe) userId: string, @Query() query: RegisterTicketQuery): Promise<TicketDto> {
    return toTicketDto(await this.tickets.register(userId, query.connectionId));
  }
}
