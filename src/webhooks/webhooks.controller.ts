import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { ApiAppToken } from '../common/api-docs.js';
import { UserIdPipe } from '../common/user-id.js';
import { CreatedWebhookDto, toCreatedWebhookDto, toWebhookListDto, WebhookListDto } from './dto/webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';

/** The application's management of webhook URLs (docs/api.md, Webhook URLs). */
@ApiTags('webhooks')
@ApiAppToken()
@Controller('api')
@UseGuards(AppTokenGuard)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('users/:userId/webhooks')
  @ApiCreatedResponse({ type: CreatedWebhookDto, description: 'a new URL that notifies this user; its secret is in this answer only' })
  @ApiConflictResponse({ description: 'the user already has the most webhooks allowed; revoke one first' })
  async create(@Param('userId', UserIdPipe) userId: string): Promise<CreatedWebhookDto> {
    return toCreatedWebhookDto(await this.webhooks.create(userId));
  }

  @Get('users/:userId/webhooks')
  @ApiOkResponse({ type: WebhookListDto })
  async list(@Param('userId', UserIdPipe) userId: string): Promise<WebhookListDto> {
    return toWebhookListDto(await this.webhooks.list(userId));
  }

  @Delete('webhooks/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'revoked: the URL answers 404 from now on, on every instance' })
  @ApiNotFoundResponse({ description: 'no such webhook' })
  revoke(@Param('id') id: string): Promise<void> {
    return this.webhooks.revoke(id);
  }
}
