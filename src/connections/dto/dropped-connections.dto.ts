import { ApiProperty } from '@nestjs/swagger';

export class DroppedConnectionsDto {
  @ApiProperty({ description: 'device connections closed, summed over every instance that answered in time', example: 2 })
  dropped: number;
}
