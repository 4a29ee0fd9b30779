import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, HttpException, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiForbiddenResponse,
  ApiInternalServerErrorResponse,
  ApiNotAcceptableResponse,
  ApiOkResponse,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AnswerFrame, ErrorFrame } from '../core/frames.js';
import { SubscriptionError, subscriptionOf, type Subscription } from '../core/subscription.js';
import { lastEventIdOf } from './last-event-id.js';
import { DeviceAuthGuard, DeviceUserId } from './device-auth.guard.js';
import { SseTransport } from './sse.transport.js';
import { TextBody } from '../../http/text-body.middleware.js';
import { DEVICE_ERROR_SCHEMA } from '../../openapi/error-responses.js';

const DEVICE_ERROR_FRAME = { $ref: `#/components/schemas/${DEVICE_ERROR_SCHEMA}` };

/**
 * Server-Sent Events (docs/protocol.md), for devices behind proxies that refuse WebSockets. `GET /subscribe` upgrades are
 * the WebSocket gateway's (ws takes them before routing); plain GETs come here.
 */
@ApiTags('devices')
@ApiQuery({ name: 'connectionId', required: false, description: 'a ticket (PUT /api/:userId/register); without it, delegation with the cookies' })
@ApiUnauthorizedResponse({ description: 'unknown or expired ticket, or refused by the application' })
@ApiForbiddenResponse({ description: 'an Origin outside ALLOWED_ORIGINS' })
@ApiServiceUnavailableResponse({ description: "the application's delegation endpoint is unavailable, or this instance takes no more devices" })
@Controller('subscribe')
@UseGuards(DeviceAuthGuard)
export class SseController {
  constructor(private readonly transport: SseTransport) {}

  @Get()
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'Server-Sent Events (Accept: text/event-stream): each server frame of the device protocol is one event; see docs/firewalls.md',
    schema: { type: 'string', example: 'id: 1\nevent: newNotificationCountChanged\ndata: 3\n\n' },
  })
  @ApiBadRequestResponse({ description: 'a bad protocol, since or Last-Event-ID' })
  @ApiNotAcceptableResponse({ description: 'neither a WebSocket upgrade nor Accept: text/event-stream' })
  @ApiTooManyRequestsResponse({ description: 'the user has all the device connections allowed on this instance (MAX_CONNECTIONS_PER_USER)' })
  open(@DeviceUserId() userId: string, @Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    if (!acceptsEventStream(request)) {
      throw new HttpException('GET /subscribe is a WebSocket upgrade, or Server-Sent Events with Accept: text/event-stream', HttpStatus.NOT_ACCEPTABLE);
    }
    const refused = this.transport.refusal(userId);
    if (refused !== undefined) throw new HttpException(refused.message, refused.status);
    this.transport.open(userId, subscriptionIn(request), request, response);
  }

  /** The answer frame is the body: 200, or 400 for a bad_request error frame, 429 for rate_limited, 500 for internal_error. */
  @Post('requests')
  @ApiBody({ description: 'one device-protocol request, as a WebSocket frame would carry it (any Content-Type)', schema: {}, examples: { unseen: { value: { unseenNotificationDataRequest: { limit: 50 }, requestId: 1 } } } })
  @ApiOkResponse({ description: 'the answer frame, e.g. {"newNotificationData": [...], "requestId": 1}' })
  @ApiBadRequestResponse({ description: 'the bad_request error frame', schema: DEVICE_ERROR_FRAME })
  @ApiTooManyRequestsResponse({ description: "the rate_limited error frame: over the connection's request rate", schema: DEVICE_ERROR_FRAME })
  @ApiInternalServerErrorResponse({ description: 'the internal_error error frame: retry later', schema: DEVICE_ERROR_FRAME })
  async request(@DeviceUserId() userId: string, @TextBody() body: string, @Res({ passthrough: true }) response: Response): Promise<AnswerFrame | ErrorFrame> {
    const frame = await this.transport.answer(userId, body);
    response.status(statusOf(frame));
    return frame;
  }
}

/** `?protocol=` and `?since=`, or Last-Event-ID (docs/protocol.md, Protocol 2); a bad value is 400. */
function subscriptionIn(request: IncomingMessage): Subscription {
  try {
    return subscriptionOf(request.url, lastEventIdOf(request));
  } catch (error) {
    if (error instanceof SubscriptionError) throw new HttpException(error.message, HttpStatus.BAD_REQUEST);
    throw error;
  }
}

function acceptsEventStream(request: IncomingMessage): boolean {
  return /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(request.headers.accept ?? '');
}

function statusOf(frame: AnswerFrame | ErrorFrame): number {
  if (!('error' in frame)) return HttpStatus.OK;
  return { bad_request: HttpStatus.BAD_REQUEST, rate_limited: HttpStatus.TOO_MANY_REQUESTS, internal_error: HttpStatus.INTERNAL_SERVER_ERROR }[frame.error.code];
}
