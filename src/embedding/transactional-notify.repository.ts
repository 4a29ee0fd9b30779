import { Injectable } from '@nestjs/common';
import { UNSEEN_CHANGED_CHANNEL, packUserIds } from '../bus/unseen-changes.js';
import type { CreatedNotification } from '../notifications/notification.js';
import { insertNotificationsStatement, toCreated, type CreatedRow, type InsertedRow, type NotificationRows } from '../notifications/notifications.repository.js';

/** What pns needs of the application's connection: `pg`'s Client and PoolClient both fit. */
export interface TransactionClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** What notify needs of a Prisma interactive transaction's client (`tx` in `$transaction(async (tx) => …)`). */
export interface PrismaTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/**
 * The host's Prisma interactive transaction as a TransactionClient: the statements below then run
 * on that transaction's connection and commit or roll back with it (docs/embedding.md, With
 * Prisma). The host's transaction, not ours: hence its raw query, with values still bound.
 */
export function prismaTransactionClient(tx: PrismaTransaction): TransactionClient {
  return { query: async (text, values = []) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }) };
}

/**
 * Notifications stored on the application's own connection, inside its open transaction
 * (docs/embedding.md). The insert is the very statement of every other ingest, so the triggers
 * write counts, the change log, push jobs and outgoing events in that transaction too. The
 * announcement is a NOTIFY in the same transaction: PostgreSQL delivers it only at commit and
 * drops it on rollback, so no device hears of a notification that was not committed, and one
 * that was committed is announced even if this process dies right after the commit.
 */
@Injectable()
export class TransactionalNotifyRepository {
  async insertAndAnnounce(client: TransactionClient, request: NotificationRows): Promise<CreatedNotification[]> {
    // Unnamed: the application's connection is not pns's to prepare statements on.
    const { text, values } = insertNotificationsStatement([request]);
    // The id as text whatever the client reads an int8 as (Prisma: a bigint).
    const inserted = ((await client.query(text, values)).rows as InsertedRow[]).map((row) => ({ ...row, id: String(row.id) }));
    const byUser = new Map(inserted.map((row): [string, CreatedNotification] => [row.user_id, row.replaced ? { ...toCreated(row), replaced: true } : toCreated(row)]));
    const retried = request.userIds.filter((userId) => !byUser.has(userId));
    if (retried.length > 0 && request.idempotencyKey !== null) {
      // Users skipped by the idempotency key already have that notification: answered as stored.
      const { rows } = await client.query(
        'SELECT id::text AS id, user_id, created_at FROM notifications WHERE user_id = ANY($1::text[]) AND idempotency_key = $2',
        [retried, request.idempotencyKey],
      );
      for (const row of rows as CreatedRow[]) byUser.set(row.user_id, toCreated({ ...row, id: String(row.id) }));
    }
    if (inserted.length > 0) {
      // Counted rather than selected: pg_notify returns void, which some clients (Prisma) cannot read.
      await client.query('SELECT count(pg_notify($1, payload))::int AS announced FROM unnest($2::text[]) AS payload', [UNSEEN_CHANGED_CHANNEL, packUserIds(inserted.map((row) => row.user_id))]);
    }
    return request.userIds.flatMap((userId) => byUser.get(userId) ?? []);
  }
}
