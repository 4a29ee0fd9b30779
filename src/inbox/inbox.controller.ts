import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiExtraModels, ApiGoneResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { ApiAppToken } from '../common/api-docs.js';
import { UserIdPipe } from '../common/user-id.js';
import { ChangesPageDto, ChangesQuery, toChangesPageDto } from './dto/changes.dto.js';
import { CategoryCountsDto, toUserCountsDto, UserCountsDto } from './dto/counts.dto.js';
import { MarkBody, MarkResultDto, toMarkTarget } from './dto/mark.dto.js';
import { InboxService } from './inbox.service.js';

@ApiTags('inbox')
// Named by the `categories` map of CountsDto.
@ApiExtraModels(CategoryCountsDto)
@ApiAppToken()
@Controller('api/users/:userId')
@UseGuards(AppTokenGuard)
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Post('notifications/mark')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: MarkResultDto, description: "the user's devices hear the change" })
  mark(@Param('userId', UserIdPipe) userId: string, @Body() body: MarkBody) {
    return this.inbox.mark(userId, toMarkTarget(body));
  }

  @Get('counts')
  @ApiOkResponse({ type: UserCountsDto, description: 'over notifications neither archived nor snoozed' })
  async counts(@Param('userId', UserIdPipe) userId: string) {
    return toUserCountsDto(userId, await this.inbox.counts(userId));
  }

  @Get('changes')
  @ApiOkResponse({ type: ChangesPageDto })
  @ApiBadRequestResponse({ description: 'since is not a non-negative integer, or is ahead of the current version' })
  @ApiGoneResponse({ description: 'changes after since are no longer kept (CHANGE_RETENTION): reload; the body carries the current version' })
  async changes(@Param('userId', UserIdPipe) userId: string, @Query() query: ChangesQuery) {
    return toChangesPageDto(await this.inbox.changesSince(userId, Number(query.since), query.limit));
  }
}
