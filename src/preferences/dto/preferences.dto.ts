import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** For the API description only: bodies are checked by parsePreferences, which names every problem. */
export class ChannelSwitchesDto {
  @ApiPropertyOptional({ default: true, description: 'false: such notifications are not stored (answered "suppressed")' })
  inbox?: boolean;
  @ApiPropertyOptional({ default: true, description: 'false: stored, never pushed' })
  push?: boolean;
}

export class QuietHoursDto {
  @ApiProperty({ example: 'Europe/Berlin', description: 'an IANA time zone' })
  timeZone: string;
  @ApiProperty({ example: '22:00', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' })
  from: string;
  @ApiProperty({ example: '07:00', description: 'before `from`: the hours span midnight' })
  to: string;
}

export class PreferencesDto {
  @ApiPropertyOptional({ type: ChannelSwitchesDto, default: { inbox: true, push: true } })
  default?: ChannelSwitchesDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ChannelSwitchesDto' }, example: { marketing: { inbox: false } } })
  categories?: Record<string, ChannelSwitchesDto>;
  @ApiPropertyOptional({ type: QuietHoursDto, nullable: true, description: 'pushes in these hours wait for their end, and go only if still unseen' })
  quietHours?: QuietHoursDto | null;
}
