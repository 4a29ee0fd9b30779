import { Body, Controller, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { ApiAppToken } from '../common/api-docs.js';
import { UserIdPipe } from '../common/user-id.js';
import { ConnectionsService } from '../realtime/core/connections.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { dropAccessIdOf, eventEntriesOf, messageOf } from './dto/compat-bodies.js';

const JSON_CONTENT = 'application/json; charset=utf-8';

/**
 * The earlier servers' backend routes (docs/api.md, Routes of the earlier servers), each one call of the core services: a
 * push is stored and announced like `POST /api/notifications`, a drop is
 * `DELETE /api/users/:userId/connections`. Bodies are `unknown` so that the global
 * ValidationPipe leaves the opaque data alone; dto/compat-bodies.ts checks them.
 */
@ApiTags('compatibility')
@ApiAppToken()
@Controller()
@UseGuards(AppTokenGuard)
export class CompatController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly connections: ConnectionsService,
  ) {}

  @Post('api/:userId/push')
  @HttpCode(200)
  @ApiOperation({ summary: 'notification-socket.io: store `message` as a notification of the user (stored even when no device is connected)' })
  @ApiBody({ schema: { type: 'object', required: ['message'], properties: { message: { description: 'any JSON' } } } })
  @ApiOkResponse({ description: 'stored; an empty body, as notification-socket.io answered' })
  async push(@Param('userId', UserIdPipe) userId: string, @Body() body: unknown): Promise<void> {
    await this.notifications.create({ userIds: [userId], data: messageOf(body) });
  }

  @Post('push_events')
  @HttpCode(200)
  @Header('Content-Type', JSON_CONTENT)
  @ApiOperation({ summary: 'ernius notifier: store each event for its accessid; one invalid event stores none' })
  @ApiBody({ schema: { type: 'array', items: { type: 'object', required: ['accessid', 'created_at', 'payload'] } } })
  @ApiOkResponse({ description: '`true`' })
  async pushEvents(@Body() body: unknown): Promise<boolean> {
    await this.notifications.createEach(eventEntriesOf(body));
    return true;
  }

  @Post('drop_user')
  @HttpCode(200)
  @Header('Content-Type', JSON_CONTENT)
  @ApiOperation({ summary: 'ernius notifier: close every connection of the user on every instance (4001)' })
  @ApiBody({ schema: { type: 'object', required: ['drop_access_id'], properties: { drop_access_id: { type: 'string' } } } })
  @ApiOkResponse({ description: '`true`' })
  async dropUser(@Body() body: unknown): Promise<boolean> {
    await this.connections.dropEverywhere(dropAccessIdOf(body));
    return true;
  }
}
