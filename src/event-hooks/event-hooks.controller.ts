import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { ApiAppToken } from '../common/api-docs.js';
import { DeliveryListDto, ListDeliveriesQuery, toDeliveryListDto } from './dto/deliveries.dto.js';
import { CreatedEventHookDto, CreateEventHookBody, EventHookListDto, toCreatedEventHookDto, toEventHookListDto } from './dto/event-hook.dto.js';
import { EventHooksService } from './event-hooks.service.js';

/** The application's hooks for outgoing events (docs/events.md). */
@ApiTags('event hooks')
@ApiAppToken()
@Controller('api/event-hooks')
@UseGuards(AppTokenGuard)
export class EventHooksController {
  constructor(private readonly hooks: EventHooksService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedEventHookDto, description: 'the hook; its signing secret is in this answer only' })
  async create(@Body() body: CreateEventHookBody): Promise<CreatedEventHookDto> {
    return toCreatedEventHookDto(await this.hooks.create(body.url, body.events));
  }

  @Get()
  @ApiOkResponse({ type: EventHookListDto })
  async list(): Promise<EventHookListDto> {
    return toEventHookListDto(await this.hooks.list());
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'deleted, with its delivery log and whatever it had still to deliver' })
  @ApiNotFoundResponse({ description: 'no such hook' })
  delete(@Param('id') id: string): Promise<void> {
    return this.hooks.delete(id);
  }

  @Get(':id/deliveries')
  @ApiOkResponse({ type: DeliveryListDto })
  @ApiNotFoundResponse({ description: 'no such hook' })
  async deliveries(@Param('id') id: string, @Query() query: ListDeliveriesQuery): Promise<DeliveryListDto> {
    return toDeliveryListDto(await this.hooks.deliveries(id, query.status, query.limit));
  }
}
