import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

/** Which users have a live device on which instance, for the offline push policy. */
@Injectable()
export class PresenceRepository {
  constructor(private readonly prisma: PrismaService) {}

  async connected(userId: string, instanceId: string): Promise<void> {
    await this.prisma.query(Prisma.sql`INSERT INTO push_presence (user_id, instance_id) VALUES (${userId}, ${instanceId}::uuid) ON CONFLICT DO NOTHING`);
  }

  /** Also remembers when the user's device left: one that was live during a push's grace showed it. */
  async disconnected(userIds: readonly string[], instanceId: string): Promise<void> {
    if (userIds.length === 0) return;
    await this.prisma.query(Prisma.sql`
      WITH gone AS (DELETE FROM push_presence WHERE user_id = ANY (${userIds}::text[]) AND instance_id = ${instanceId}::uuid)
      INSERT INTO push_last_disconnects (user_id, disconnected_at) SELECT unnest(${userIds}::text[]), now()
      ON CONFLICT (user_id) DO UPDATE SET disconnected_at = excluded.disconnected_at`);
  }
}
