import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppTokenGuard } from '../auth/app-token.guard.js';
import { ApiAppToken } from '../common/api-docs.js';
import { UserIdPipe } from '../common/user-id.js';
import { ChannelSwitchesDto, PreferencesDto } from './dto/preferences.dto.js';
import type { Preferences } from './preferences.js';
import { PreferencesService } from './preferences.service.js';

@ApiTags('preferences')
@ApiAppToken()
@ApiExtraModels(ChannelSwitchesDto)
@Controller('api/users/:userId/preferences')
@UseGuards(AppTokenGuard)
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  @Get()
  @ApiOkResponse({ type: PreferencesDto, description: 'the defaults when the user never set any' })
  get(@Param('userId', UserIdPipe) userId: string): Promise<Preferences> {
    return this.preferences.get(userId);
  }

  // The body is typed unknown so that the global ValidationPipe passes it as sent: the
  // service checks it strictly, the same way as a device's preferencesUpdate frame.
  @Put()
  @ApiBody({ type: PreferencesDto, description: 'replaces all of them; omitted parts take their defaults' })
  @ApiOkResponse({ type: PreferencesDto })
  update(@Param('userId', UserIdPipe) userId: string, @Body() body: unknown): Promise<Preferences> {
    return this.preferences.update(userId, body);
  }
}
