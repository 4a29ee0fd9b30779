import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';

@Injectable()
export class UnseenChangesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One autocommit statement: it holds the notify lock only for its own tiny commit. A NOTIFY
   * takes a transaction id, so its commit would wait for a WAL flush of its own; the
   * announcement carries no data (the notifications were committed, and flushed, before), so
   * it commits asynchronously. A crash that loses one is caught by the count reconciliation.
   * Run for nearly every notification: a prepared statement on the pool (see PrismaService.pool).
   */
  async notify(channel: string, payloads: readonly string[]): Promise<void> {
    await this.prisma.pool.query({
      name: 'pns_announce',
      text: `SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, payload) FROM unnest($2::text[]) AS payload`,
      values: [channel, payloads],
    });
  }
}
