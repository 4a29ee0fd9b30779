import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { UserIdPipe } from '../common/user-id.js';
import { ConnectionsService } from './connections.service.js';
import { DroppedConnectionsDto } from './dto/dropped-connections.dto.js';

@Controller('api/users/:userId/connections')
@UseGuards(AppTokenGuard)
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Delete()
  @HttpCode(200)
  async drop(@Param('userId', UserIdPipe) userId: string): Promise<DroppedConnectionsDto> {
    return { dropped: await this.connections.dropEverywhere(userId) };
  }
}
