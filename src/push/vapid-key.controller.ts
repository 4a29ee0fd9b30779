import { Controller, Get } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../common/errors.js';
import { VapidPublicKeyDto } from './dto/push-subscription.dto.js';
import { PushSubscriptionsService } from './push-subscriptions.service.js';

/** Public: a page needs the key before it can subscribe, and it is no secret. */
@ApiTags('push')
@Controller('push')
export class VapidKeyController {
  constructor(private readonly subscriptions: PushSubscriptionsService) {}

  @Get('vapid-public-key')
  @ApiOkResponse({ type: VapidPublicKeyDto })
  @ApiNotFoundResponse({ description: 'Web Push is off (production without VAPID_* keys)' })
  async publicKey(): Promise<VapidPublicKeyDto> {
    const publicKey = await this.subscriptions.vapidPublicKey();
    if (publicKey === undefined) throw new NotFoundError('Web Push is not configured on this server');
    return { publicKey };
  }
}
