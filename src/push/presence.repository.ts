import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';

/** Which users have a live device on which instance, for the offline push policy. */
@Injectable()
export class PresenceRepository {
  constructor(private readonly prisma: PrismaService) {}

  async connected(userId: string, instanceId: string): Promise<void> {
    await this.prisma.pool.query('INSERT INTO push_presence (user_id, instance_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, instanceId]);
  }

  /** Also remembers when the user's device left: one that was live during a push's grace showed it. */
  async disconnected(userIds: readonly string[], instanceId: string): Promise<void> {
    if (userIds.length === 0) return;
    await this.prisma.pool.query(
      `WITH gone AS (DELETE FROM push_presence WHERE user_id = ANY ($1::text[]) AND instance_id = $2)
       INSERT INTO push_last_disconnects (user_id, disconnected_at) SELECT unnest($1::text[]), now()
       ON CONFLICT (user_id) DO UPDATE SET disconnected_at = excluded.disconnected_at`,
      [userIds, instanceId],
    );
  }
}
