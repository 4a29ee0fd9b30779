import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';

export interface Ticket {
  userId: string;
  expiresAt: Date;
}

/**
 * Connection tickets, keyed by the SHA-256 of the connectionId: the id is a bearer credential,
 * so a leaked table must not let anyone connect as its users.
 */
@Injectable()
export class TicketsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Registering an id again hands it to `userId` with a new expiry. */
  save(connectionId: string, ticket: Ticket): Promise<Ticket> {
    const idHash = hashConnectionId(connectionId);
    return this.prisma.connectionTicket.upsert({
      where: { idHash },
      create: { idHash, ...ticket },
      update: ticket,
      select: { userId: true, expiresAt: true },
    });
  }

  /** The user of each id's unexpired ticket, in the order asked (undefined: unknown or expired): one query for many connecting devices. */
  async findUsersOfUnexpired(connectionIds: readonly string[], now: Date): Promise<(string | undefined)[]> {
    const hashes = connectionIds.map(hashConnectionId);
    const tickets = await this.prisma.connectionTicket.findMany({
      where: { idHash: { in: [...new Set(hashes)] }, expiresAt: { gt: now } },
      select: { idHash: true, userId: true },
    });
    const userOf = new Map(tickets.map((ticket) => [ticket.idHash, ticket.userId]));
    return hashes.map((hash) => userOf.get(hash));
  }
}

export function hashConnectionId(connectionId: string): string {
  return createHash('sha256').update(connectionId).digest('hex');
}
