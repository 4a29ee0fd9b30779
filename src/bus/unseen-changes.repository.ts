import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Announcement } from './unseen-changes.js';

/**
 * Reads each user's inbox version and unseen count, after the change committed, and sends
 * them to every instance: `groups[i]` is the i-th NOTIFY's users (sized to fit its payload,
 * see groupUserIds). One statement, one read of `user_inboxes` whatever the number of
 * instances listening: they take the counts as they are instead of each re-reading them.
 */
const ANNOUNCE = `
  WITH announced AS MATERIALIZED (
    SELECT w.user_id, w.payload, coalesce(i.version, 0) AS version, coalesce(i.unseen, 0) AS unseen
    FROM unnest($2::text[], $3::int[]) AS w(user_id, payload)
    LEFT JOIN user_inboxes AS i USING (user_id)
  ), notified AS MATERIALIZED (
    SELECT count(pg_notify($1, p.lines)) AS payloads
    FROM (SELECT string_agg(a.user_id || E'\\t' || a.version || E'\\t' || a.unseen, E'\\n') AS lines FROM announced AS a GROUP BY a.payload) AS p
  )
  SELECT set_config('synchronous_commit', 'off', true) AS asynchronous, a.user_id, a.version::text AS version, a.unseen
  FROM announced AS a CROSS JOIN notified`;

@Injectable()
export class UnseenChangesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One autocommit statement: it holds the notify lock only for its own tiny commit. A NOTIFY
   * takes a transaction id, so its commit would wait for a WAL flush of its own; the
   * announcement carries no data of its own (the notifications were committed, and flushed,
   * before; the counts it read are theirs), so it commits asynchronously. A crash that loses
   * one is caught by the count reconciliation. Run for nearly every notification: a prepared
   * statement on the pool (see PrismaService.pool). Answers what it announced.
   */
  async announce(channel: string, groups: readonly (readonly string[])[]): Promise<Required<Announcement>[]> {
    const { rows } = await this.prisma.pool.query<{ user_id: string; version: string; unseen: number }>({
      name: 'pns_announce_inboxes',
      text: ANNOUNCE,
      values: [channel, groups.flat(), groups.flatMap((group, index) => group.map(() => index))],
    });
    return rows.map((row) => ({ userId: row.user_id, inbox: { version: Number(row.version), unseen: row.unseen } }));
  }
}
