import { Controller, Headers, HttpException, HttpStatus, Param, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { TextBody } from '../http/text-body.middleware.js';
import { HookCallDto } from './dto/webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * `POST /hooks/<secret>`: no token, the URL is the credential. The request log names the
 * route pattern only, so the secret never reaches a log line.
 */
@ApiTags('webhooks')
@Controller('hooks')
export class HooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post(':secret')
  @ApiBody({ description: 'any JSON, whatever the Content-Type; {"message": X} alone stores X', schema: {}, examples: { message: { value: { message: 'Build 1234 failed' } } } })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key creates nothing new' })
  @ApiCreatedResponse({ type: HookCallDto, description: "stored and pushed to the hook's user exactly like POST /api/notifications" })
  @ApiBadRequestResponse({ description: 'the body is empty or not JSON' })
  @ApiNotFoundResponse({ description: 'unknown or revoked webhook' })
  @ApiPayloadTooLargeResponse({ description: 'data over MAX_NOTIFICATION_BYTES as JSON' })
  @ApiTooManyRequestsResponse({ description: 'past the hook’s limit (bursts of 20, 10 a second); see Retry-After' })
  async call(
    @Param('secret') secret: string,
    @TextBody() body: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<HookCallDto> {
    const delivery = await this.webhooks.deliver(secret, body, idempotencyKey);
    if ('retryAfterSeconds' in delivery) {
      response.setHeader('Retry-After', String(delivery.retryAfterSeconds));
      throw new HttpException('too many calls to this webhook; retry after the Retry-After seconds', HttpStatus.TOO_MANY_REQUESTS);
    }
    return { id: delivery.notificationId };
  }
}
