import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { ApiAppToken } from '../common/api-docs.js';
import { UserIdPipe } from '../common/user-id.js';
import { CreatedNotificationsDto, CreateNotificationsBody, toCreatedNotificationsDto, toNewNotifications } from './dto/create-notifications.dto.js';
import { ListNotificationsQuery } from './dto/list-notifications.dto.js';
import { MarkSeenBody, SeenResultDto, toSeenTarget } from './dto/mark-seen.dto.js';
import { NotificationPageDto, toNotificationPageDto, UnseenCountDto } from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@ApiAppToken()
@Controller('api')
@UseGuards(AppTokenGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post('notifications')
  // Typed unknown, so that the ValidationPipe passes it as sent: toNewNotifications checks it.
  @ApiBody({ type: CreateNotificationsBody })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same as idempotencyKey in the body' })
  @ApiCreatedResponse({ type: CreatedNotificationsDto, description: 'stored (committed) before this answer, one entry per recipient; a retry with the same idempotency key answers the original ids' })
  @ApiPayloadTooLargeResponse({ description: 'data over MAX_NOTIFICATION_BYTES as JSON' })
  @ApiConflictResponse({ description: 'the notification a retry with this idempotency key would answer was deleted meanwhile; retry' })
  async create(@Body() body: unknown, @Headers('idempotency-key') idempotencyKey: string | undefined) {
    return toCreatedNotificationsDto(await this.notifications.post(toNewNotifications(body, idempotencyKey)));
  }

  @Get('users/:userId/notifications')
  @ApiOkResponse({ type: NotificationPageDto, description: 'newest first; follow nextCursor for the next page' })
  async list(@Param('userId', UserIdPipe) userId: string, @Query() query: ListNotificationsQuery) {
    return toNotificationPageDto(await this.notifications.list(userId, { state: query.state, limit: query.limit, cursor: query.cursor, categories: query.category }));
  }

  @Get('users/:userId/unseen-count')
  @ApiOkResponse({ type: UnseenCountDto })
  async unseenCount(@Param('userId', UserIdPipe) userId: string) {
    return { userId, ...(await this.notifications.unseenCountAndVersion(userId)) };
  }

  @Post('users/:userId/notifications/seen')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SeenResultDto, description: "the user's devices hear the new count" })
  markSeen(@Param('userId', UserIdPipe) userId: string, @Body() body: MarkSeenBody) {
    return this.notifications.markSeen(userId, toSeenTarget(body));
  }

  @Delete('notifications/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: "deleted; the user's devices hear the new count if it changed" })
  @ApiNotFoundResponse({ description: 'no such notification' })
  remove(@Param('id') id: string): Promise<void> {
    return this.notifications.remove(id);
  }
}
