import { Injectable } from '@nestjs/common';
import { BUS_APPLICATION_NAME_PREFIX } from '../../bus/bus.js';
import { PrismaService } from '../../database/prisma.service.js';
import { Prisma } from '../../generated/prisma/client.js';

/** How many device connections each user has on each instance (UserConnectionLimit). */
@Injectable()
export class ConnectionCountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records `counts` (user → connections on `instanceId` now; 0 removes the row) and answers,
   * for each of those users, how many connections they have on the other live instances.
   */
  async record(instanceId: string, counts: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const { rows } = await this.prisma.query<{ user_id: string; elsewhere: number }>(Prisma.sql`
      WITH here AS (SELECT * FROM unnest(${[...counts.keys()]}::text[], ${[...counts.values()]}::int[]) AS here(user_id, connections)),
      gone AS (
        DELETE FROM device_connection_counts d USING here
        WHERE d.user_id = here.user_id AND d.instance_id = ${instanceId}::uuid AND here.connections = 0
      ), kept AS (
        INSERT INTO device_connection_counts (user_id, instance_id, connections)
        SELECT user_id, ${instanceId}::uuid, connections FROM here WHERE connections > 0
        ON CONFLICT (user_id, instance_id) DO UPDATE SET connections = excluded.connections
      ), live AS (
        -- An instance is live while its bus session is (the same test as PresenceRepository's).
        SELECT substr(application_name, length(${BUS_APPLICATION_NAME_PREFIX}) + 1) AS instance_id
        FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE ${BUS_APPLICATION_NAME_PREFIX} || '%'
      )
      SELECT here.user_id, coalesce(sum(d.connections), 0)::int AS elsewhere
      FROM here LEFT JOIN device_connection_counts d
        ON d.user_id = here.user_id AND d.instance_id <> ${instanceId}::uuid AND d.instance_id::text IN (SELECT instance_id FROM live)
      GROUP BY here.user_id`);
    return new Map(rows.map((row) => [row.user_id, row.elsewhere]));
  }

  /** This instance is going away: its connections no longer count. */
  async forgetInstance(instanceId: string): Promise<void> {
    await this.prisma.query(Prisma.sql`DELETE FROM device_connection_counts WHERE instance_id = ${instanceId}::uuid`);
  }

  /** Housekeeping: the rows an instance that died left behind (its bus session gone). */
  async forgetDeadInstances(): Promise<void> {
    await this.prisma.query(Prisma.sql`
      DELETE FROM device_connection_counts WHERE instance_id::text NOT IN (
        SELECT substr(application_name, length(${BUS_APPLICATION_NAME_PREFIX}) + 1)
        FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE ${BUS_APPLICATION_NAME_PREFIX} || '%')`);
  }
}
