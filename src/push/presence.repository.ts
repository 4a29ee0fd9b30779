import { Injectable } from '@nestjs/common';
import { BUS_APPLICATION_NAME_PREFIX } from '../bus/bus.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

/** Which users have a live device on which instance, for the offline push policy. */
@Injectable()
export class PresenceRepository {
  constructor(private readonly prisma: PrismaService) {}

  async connected(userIds: readonly string[], instanceId: string): Promise<void> {
    if (userIds.length === 0) return;
    await this.prisma.query(Prisma.sql`INSERT INTO push_presence (user_id, instance_id) SELECT unnest(${userIds}::text[]), ${instanceId}::uuid ON CONFLICT DO NOTHING`);
  }

  /** Also remembers when the user's device left: one that was live during a push's grace showed it. */
  async disconnected(userIds: readonly string[], instanceId: string): Promise<void> {
    if (userIds.length === 0) return;
    await this.prisma.query(Prisma.sql`
      WITH gone AS (DELETE FROM push_presence WHERE user_id = ANY (${userIds}::text[]) AND instance_id = ${instanceId}::uuid)
      INSERT INTO push_last_disconnects (user_id, disconnected_at) SELECT unnest(${userIds}::text[]), now()
      ON CONFLICT (user_id) DO UPDATE SET disconnected_at = excluded.disconnected_at`);
  }

  /**
   * Housekeeping: an instance that died (its bus session gone from pg_stat_activity) left its
   * users' rows behind; they left then. Departures older than a day can no longer hold back
   * any push (the policy compares them with notifications due a grace after they were stored).
   */
  async forgetDeadInstances(): Promise<void> {
    await this.prisma.query(Prisma.sql`
      WITH live AS (
        SELECT substr(application_name, length(${BUS_APPLICATION_NAME_PREFIX}) + 1) AS instance_id
        FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE ${BUS_APPLICATION_NAME_PREFIX} || '%'
      ), gone AS (
        DELETE FROM push_presence p WHERE p.instance_id::text NOT IN (SELECT instance_id FROM live) RETURNING p.user_id
      ), stale AS (
        DELETE FROM push_last_disconnects WHERE disconnected_at < now() - interval '1 day'
      )
      INSERT INTO push_last_disconnects (user_id, disconnected_at) SELECT DISTINCT user_id, now() FROM gone
      ON CONFLICT (user_id) DO UPDATE SET disconnected_at = excluded.disconnected_at`);
  }
}
