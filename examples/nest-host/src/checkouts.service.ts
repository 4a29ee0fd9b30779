import { Injectable, OnModuleInit } from '@nestjs/common';
import type pg from 'pg';
import { PnsService } from '../../../src/pns.module.js';
import { HostDatabase } from './host-database.js';

export type PaymentOutcome = 'paid' | 'failed';

/**
 * A checkout stores the order and its notification in one transaction of the host's own pool
 * (the one pns shares), then waits for the payment provider's answer before committing (paid)
 * or rolling back (failed). The user's devices hear of the order only once it is committed.
 */
@Injectable()
export class CheckoutsService implements OnModuleInit {
  private readonly pool: pg.Pool;
  private readonly awaitingPayment = new Map<string, (outcome: PaymentOutcome) => void>();

  constructor(
    database: HostDatabase,
    private readonly pns: PnsService,
  ) {
    this.pool = database.pool;
  }

  async onModuleInit(): Promise<void> {
    await this.pool.query('CREATE TABLE IF NOT EXISTS host_orders (ref text PRIMARY KEY, user_id text NOT NULL, item text NOT NULL)');
  }

  async checkout(ref: string, userId: string, item: string): Promise<PaymentOutcome> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO host_orders (ref, user_id, item) VALUES ($1, $2, $3)', [ref, userId, item]);
      await this.pns.notify({ userIds: [userId], data: { order: ref, item }, category: 'orders' }, { client });
      const outcome = await new Promise<PaymentOutcome>((resolve) => this.awaitingPayment.set(ref, resolve));
      await client.query(outcome === 'paid' ? 'COMMIT' : 'ROLLBACK');
      return outcome;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      this.awaitingPayment.delete(ref);
      client.release();
    }
  }

  isAwaitingPayment(ref: string): boolean {
    return this.awaitingPayment.has(ref);
  }

  /** The payment provider's callback; false when no checkout `ref` is waiting. */
  settle(ref: string, outcome: PaymentOutcome): boolean {
    const resolve = this.awaitingPayment.get(ref);
    resolve?.(outcome);
    return resolve !== undefined;
  }
}
