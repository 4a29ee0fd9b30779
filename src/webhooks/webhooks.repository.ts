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
   */
  createWithin(userId: string, secretHash: string, max: number): Promise<WebhookRecord | undefined> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`pns-webhooks:${userId}`}, 0))`;
      if ((await tx.webhook.count({ where: { userId } })) >= max) return undefined;
      return tx.webhook.create({ data: { userId, secretHash }, select: RECORD });
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
