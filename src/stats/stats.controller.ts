import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { ApiAppToken } from '../common/api-docs.js';
import { UserIdPipe } from '../common/user-id.js';
import { CategoryCountsDto, GlobalStatsDto, StatsQuery, toGlobalStatsDto, toStatsWindow, toUserStatsDto, UserStatsDto } from './dto/stats.dto.js';
import { StatsService } from './stats.service.js';

@ApiTags('statistics')
@ApiAppToken()
@ApiExtraModels(CategoryCountsDto)
@Controller('api')
@UseGuards(AppTokenGuard)
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('stats')
  @ApiOkResponse({ type: GlobalStatsDto })
  async global(@Query() query: StatsQuery): Promise<GlobalStatsDto> {
    return toGlobalStatsDto(await this.stats.global(toStatsWindow(query, new Date())));
  }

  @Get('users/:userId/stats')
  @ApiOkResponse({ type: UserStatsDto })
  async ofUser(@Param('userId', UserIdPipe) userId: string): Promise<UserStatsDto> {
    return toUserStatsDto(await this.stats.ofUser(userId));
  }
}
