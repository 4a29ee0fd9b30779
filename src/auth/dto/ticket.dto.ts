import { ApiProperty } from '@nestjs/swagger';
import type { Ticket } from '../tickets.repository.js';

export class TicketDto {
  @ApiProperty({ example: 'u1' })
  userId: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
}

export function toTicketDto(ticket: Ticket): TicketDto {
  return { userId: ticket.userId, expiresAt: ticket.expiresAt.toISOString() };
}
