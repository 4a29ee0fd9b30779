import { ApiProperty } from '@nestjs/swagger';
import { IsConnectionId } from '../connection-id.js';

export class RegisterTicketQuery {
  @ApiProperty({ description: 'an unguessable string (a UUID is recommended), 1-255 printable characters' })
  @IsConnectionId()
  connectionId: string;
}
