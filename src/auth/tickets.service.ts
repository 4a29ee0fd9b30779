import { Injectable } from '@nestjs/common';
import { Batcher } from '../common/batcher.js';
import { AppConfig } from '../config/app-config.js';
import { isConnectionId } from './connection-id.js';
import { TicketsRepository, type Ticket } from './tickets.repository.js';

/**
 * Connection tickets (docs/protocol.md, Authentication): the backend registers an id for a user, and any number of
 * that user's devices connect with it until `TICKET_TTL` has passed since the registration.
 */
/** Ticket checks one query reads at most. */
const MAX_TICKETS_PER_LOOKUP = 1_000;
/** Lookups running at once: the rest of the pool stays free for everything else a storm of devices asks. */
const MAX_LOOKUPS_IN_FLIGHT = 2;
/** Lookups start at least this far apart: in a storm the devices of those milliseconds share one. */
const LOOKUP_SPACING_MS = 25;

@Injectable()
export class TicketsService {
  /**
   * When an instance dies its devices come back together: the tickets of the devices that
   * connect within one tick (or while lookups run) are read in one query, not one each
   * (docs/performance.md, Connections).
   */
  private readonly lookups = new Batcher<string, string | undefined>((connectionIds) => this.repository.findUsersOfUnexpired(connectionIds, new Date()), {
    maxInFlight: MAX_LOOKUPS_IN_FLIGHT,
    maxWeight: MAX_TICKETS_PER_LOOKUP,
    weight: () => 1,
    minSpacingMs: LOOKUP_SPACING_MS,
  });

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
    return this.lookups.submit(connectionId);
  }
}
