import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { UserIdPipe } from '../common/user-id.js';
import { CreateNotificationsBody, toCreatedNotificationsDto, toNewNotifications } from './dto/create-notifications.dto.js';
import { ListNotificationsQuery } from './dto/list-notifications.dto.js';
import { MarkSeenBody, toSeenTarget } from './dto/mark-seen.dto.js';
import { toNotificationPageDto } from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';
import { OpaqueDataInterceptor } from './opaque-data.interceptor.js';

@Controller('api')
@UseGuards(AppTokenGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post('notifications')
  @UseInterceptors(OpaqueDataInterceptor)
  async create(@Body() body: CreateNotificationsBody, @Headers('idempotency-key') idempotencyKey: string | undefined) {
    return toCreatedNotificationsDto(await this.notifications.create(toNewNotifications(body, idempotencyKey)));
  }

  @Get('users/:userId/notifications')
  async list(@Param('userId', UserIdPipe) userId: string, @Query() query: ListNotificationsQuery) {
    return toNotificationPageDto(await this.notifications.list(userId, query));
  }

  @Get('users/:userId/unseen-count')
  async unseenCount(@Param('userId', UserIdPipe) userId: string) {
    return { userId, count: await this.notifications.unseenCount(userId) };
  }

  @Post('users/:userId/notifications/seen')
  @HttpCode(HttpStatus.OK)
  markSeen(@Param('userId', UserIdPipe) userId: string, @Body() body: MarkSeenBody) {
    return this.notifications.markSeen(userId, toSeenTarget(body));
  }

  @Delete('notifications/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('id') id: string): Promise<void> {
    return this.notifications.remove(id);
  }
}
