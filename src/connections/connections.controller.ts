import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { ApiAppToken } from '../common/api-docs.js';
import { UserIdPipe } from '../common/user-id.js';
import { ConnectionsService } from '../realtime/core/connections.service.js';
import { DroppedConnectionsDto } from './dto/dropped-connections.dto.js';

@ApiTags('devices')
@ApiAppToken()
@Controller('api/users/:userId/connections')
@UseGuards(AppTokenGuard)
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Delete()
  @HttpCode(200)
  @ApiOkResponse({ type: DroppedConnectionsDto, description: 'every live connection of the user, on every instance, closed with 4001' })
  async drop(@Param('userId', UserIdPipe) userId: string): Promise<DroppedConnectionsDto> {
    return { dropped: await this.connections.dropEverywhere(userId) };
  }
}
