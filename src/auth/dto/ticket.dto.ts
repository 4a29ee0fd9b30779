import type { Ticket } from '../tickets.repository.js';

export class TicketDto {
  userId: string;
  /** ISO-8601 */
  expiresAt: string;
}

export function toTicketDto(ticket: Ticket): TicketDto {
  return { userId: ticket.userId, expiresAt: ticket.expiresAt.toISOString() };
}
