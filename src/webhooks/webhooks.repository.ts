import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { WebhookRecord } from './webhook.js';

const RECORD = { id: true, userId: true, createdAt: true } as const;

/** Webhooks keyed by the SHA-256 of their secret (the secret is a bearer credential). */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates the webhook unless the user already has `max`; undefined then. Creations for one
   * user are serialized on an advisory lock of the transaction, so racing ones can't overshoot.
   * SQL on the pool: Prisma has no advisory locks. Each statement of a transaction sees what
   * committed before it began (READ COMMITTED), so the count, read after the lock, sees every
   * earlier creation.
   */
  createWithin(userId: string, secretHash: string, max: number): Promise<WebhookRecord | undefined> {
    return this.prisma.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`pns-webhooks:${userId}`]);
      const { rows: [{ existing }] } = await client.query<{ existing: number }>('SELECT count(*)::int AS existing FROM webhooks WHERE user_id = $1', [userId]);
      if (existing >= max) return undefined;
      const { rows: [created] } = await client.query<WebhookRecord>(
        'INSERT INTO webhooks (user_id, secret_hash) VALUES ($1, $2) RETURNING id, user_id AS "userId", created_at AS "createdAt"',
        [userId, secretHash],
      );
      return created;
    });
  }

  /** Newest first. */
  listOf(userId: string): Promise<WebhookRecord[]> {
    return this.prisma.webhook.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: RECORD });
  }

  /** Read on every call of a hook, never cached: a revoked hook stops at once on every instance. */
  async findBySecretHash(secretHash: string): Promise<WebhookRecord | undefined> {
    return (await this.prisma.webhook.findUnique({ where: { secretHash }, select: RECORD })) ?? undefined;
  }

  /** Answers whether there was such a webhook. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.webhook.deleteMany({ where: { id } });
    return count > 0;
  }
}
