import { Injectable } from '@nestjs/common';
import { PREFERENCES_CHANGED_CHANNEL } from '../bus/preferences-changed.js';
import { packUserIds } from '../bus/unseen-changes.js';
import { Batcher } from '../common/batcher.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Preferences } from './preferences.js';

@Injectable()
export class PreferencesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Push asks for every notification it sends, and devices for every user whose preferences
   * changed, so concurrent asks share one statement: a round trip each cost pns ~200 µs of CPU
   * (docs/performance.md, the inbox model against pns before it).
   */
  private readonly reads = new Batcher<readonly string[], Map<string, Preferences>>(
    async (asks) => {
      const stored = await this.read([...new Set(asks.flat())]);
      return asks.map((userIds) => new Map(userIds.flatMap((userId) => (stored.has(userId) ? [[userId, stored.get(userId)!] as const] : []))));
    },
    { maxInFlight: 4, maxWeight: 5_000, weight: (userIds) => userIds.length },
  );

  /** The stored preferences of those of `userIds` who set any (one primary-key probe each). */
  ofUsers(userIds: readonly string[]): Promise<Map<string, Preferences>> {
    return this.reads.submit(userIds);
  }

  /** A named prepared statement on the pool, planned once per connection. */
  private async read(userIds: readonly string[]): Promise<Map<string, Preferences>> {
    const { rows } = await this.prisma.pool.query<{ user_id: string; preferences: Preferences }>({
      name: 'pns-preferences-of-users',
      text: 'SELECT user_id, preferences FROM user_preferences WHERE user_id = ANY ($1::varchar[])',
      values: [userIds],
    });
    return new Map(rows.map((row) => [row.user_id, row.preferences]));
  }

  async save(userId: string, preferences: Preferences): Promise<void> {
    const json = preferences as unknown as object;
    await this.prisma.userPreferences.upsert({
      where: { userId },
      create: { userId, preferences: json },
      update: { preferences: json, updatedAt: new Date() },
    });
  }

  /** After the commit of their change: a NOTIFY inside the write transaction would serialize commits. */
  async announceChanged(userIds: Iterable<string>): Promise<void> {
    await this.prisma.query(Prisma.sql`SELECT pg_notify(${PREFERENCES_CHANGED_CHANNEL}, payload) FROM unnest(${packUserIds(userIds)}::text[]) AS payload`);
  }
}
