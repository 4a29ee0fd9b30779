import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';

@Injectable()
export class UnseenChangesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One statement, autocommit: it holds the notify lock only for its own tiny commit. */
  async notify(channel: string, payloads: readonly string[]): Promise<void> {
    await this.prisma.$executeRaw`SELECT pg_notify(${channel}, payload) FROM unnest(${payloads}::text[]) AS payload`;
  }
}
