import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { ApiAppToken } from '../common/api-docs.js';
import { UserIdPipe } from '../common/user-id.js';
import { CreatedPushSubscriptionDto, CreatePushSubscriptionBody, PushSubscriptionListDto, toPushSubscriptionListDto } from './dto/push-subscription.dto.js';
import { PushSubscriptionsService } from './push-subscriptions.service.js';

/** The application's management of its users' push subscriptions (docs/push.md). */
@ApiTags('push')
@ApiAppToken()
@Controller('api')
@UseGuards(AppTokenGuard)
export class PushSubscriptionsController {
  constructor(private readonly subscriptions: PushSubscriptionsService) {}

  @Post('users/:userId/push-subscriptions')
  @ApiCreatedResponse({ type: CreatedPushSubscriptionDto })
  @ApiBadRequestResponse({ description: 'malformed keys, a non-https endpoint or one outside PUSH_ENDPOINTS; nothing stored' })
  subscribe(@Param('userId', UserIdPipe) userId: string, @Body() body: CreatePushSubscriptionBody): Promise<CreatedPushSubscriptionDto> {
    return this.subscriptions.subscribe(userId, { ...body });
  }

  @Get('users/:userId/push-subscriptions')
  @ApiOkResponse({ type: PushSubscriptionListDto })
  async list(@Param('userId', UserIdPipe) userId: string): Promise<PushSubscriptionListDto> {
    return toPushSubscriptionListDto(await this.subscriptions.list(userId));
  }

  @Delete('push-subscriptions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'deleted: nothing more is pushed to it' })
  @ApiNotFoundResponse({ description: 'no such subscription' })
  remove(@Param('id') id: string): Promise<void> {
    return this.subscriptions.remove(id);
  }
}
