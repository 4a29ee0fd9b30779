import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { isConnectionId } from './connection-id.js';
import { TicketsRepository, type Ticket } from './tickets.repository.js';

/**
 * Connection tickets (docs/protocol.md, Authentication): the backend registers an id for a user, and any number of
 * that user's devices connect with it until `TICKET_TTL` has passed since the registration.
 */
@Injectable()
export class TicketsService {
  constructor(
    private readonly repository: TicketsRepository,
    private readonly config: AppConfig,
  ) {}

  register(userId: string, connectionId: string): Promise<Ticket> {
    return this.repository.save(connectionId, { userId, expiresAt: new Date(Date.now() + this.config.ticketTtlMs) });
  }

  /** The ticket's user, or undefined when the id is unknown, expired or could never have been registered. */
  async resolve(connectionId: string): Promise<string | undefined> {
    if (!isConnectionId(connectionId)) return undefined;
    return this.repository.findUserOfUnexpired(connectionId, new Date());
  }
}
