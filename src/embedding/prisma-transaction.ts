import type { TransactionClient } from './transactional-notify.repository.js';

/** What notify needs of a Prisma interactive transaction's client (`tx` in `$transaction(async (tx) => …)`). */
export interface PrismaTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/**
 * The host's Prisma interactive transaction as the client `PnsService.notify` takes: its
 * statements then run on that transaction's connection, so they commit or roll back with it
 * (docs/embedding.md, With Prisma). Values stay bound parameters.
 */
export function prismaTransactionClient(tx: PrismaTransaction): TransactionClient {
  return { query: async (text, values = []) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }) };
}
