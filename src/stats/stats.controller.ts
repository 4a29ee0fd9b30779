import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { ApiAppToken } from '../common/api-docs.js';
import { GlobalStatsDto, StatsQuery, toGlobalStatsDto, toStatsWindow } from './dto/stats.dto.js';
import { StatsService } from './stats.service.js';

@ApiTags('statistics')
@ApiAppToken()
@Controller('api')
@UseGuards(AppTokenGuard)
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('stats')
  @ApiOkResponse({ type: GlobalStatsDto })
  async global(@Query() query: StatsQuery): Promise<GlobalStatsDto> {
    return toGlobalStatsDto(await this.stats.global(toStatsWindow(query, new Date())));
  }
}
