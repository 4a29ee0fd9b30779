import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { NewPushSubscription, PushKind, PushSubscriptionRecord } from './push-subscription.js';

const RECORD = { id: true, kind: true, createdAt: true, lastSuccessAt: true } as const;

@Injectable()
export class PushSubscriptionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One row per endpoint or token: subscribing it again keeps its id and re-points it to
   * `userId` with the new keys (a browser that changed hands, or rotated its keys).
   */
  async upsert(userId: string, subscription: NewPushSubscription): Promise<string> {
    const fields =
      subscription.kind === 'webpush'
        ? { kind: subscription.kind, address: subscription.endpoint, p256dh: subscription.p256dh, auth: subscription.auth, platform: null }
        : { kind: subscription.kind, address: subscription.token, p256dh: null, auth: null, platform: subscription.platform };
    const { id } = await this.prisma.pushSubscription.upsert({
      where: { kind_address: { kind: fields.kind, address: fields.address } },
      create: { userId, ...fields },
      update: { userId, p256dh: fields.p256dh, auth: fields.auth, platform: fields.platform },
      select: { id: true },
    });
    return id;
  }

  /** Newest first. */
  async listOf(userId: string): Promise<PushSubscriptionRecord[]> {
    const rows = await this.prisma.pushSubscription.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: RECORD });
    return rows.map((row) => ({ ...row, kind: row.kind as PushKind }));
  }

  /** Answers whether there was such a subscription (of that user, when given). */
  async delete(id: string, userId?: string): Promise<boolean> {
    const { count } = await this.prisma.pushSubscription.deleteMany({ where: { id, userId } });
    return count > 0;
  }

  /** The stored key pair, after storing `generated` unless one was there: racing starts agree. */
  async vapidKeys(generated: { publicKey: string; privateKey: string }): Promise<{ publicKey: string; privateKey: string }> {
    await this.prisma.pushVapidKeys.createMany({ data: [{ singleton: true, ...generated }], skipDuplicates: true });
    return this.prisma.pushVapidKeys.findUniqueOrThrow({ where: { singleton: true }, select: { publicKey: true, privateKey: true } });
  }
}
