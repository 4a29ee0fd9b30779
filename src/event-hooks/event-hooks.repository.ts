import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PrismaService } from '../database/prisma.service.js';
import type { ClaimedDelivery, DeliveryRecord, EventHookRecord } from './event-hook.js';
import type { DeliveryStatus, EventType } from './event-types.js';

/** Something to run SQL on: the pool, or a client inside the caller's own transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface OutgoingEvent {
  readonly type: EventType;
  /** The whole body: {"type", "timestamp", "data"}. */
  readonly payload: object;
}

const HOOK = { id: true, url: true, events: true, createdAt: true } as const;

@Injectable()
export class EventHooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(url: string, events: readonly EventType[], secret: string): Promise<{ id: string }> {
    return this.prisma.eventHook.create({ data: { url, events: [...events], secret }, select: { id: true } });
  }

  /** Oldest first; never the secrets. */
  async list(): Promise<EventHookRecord[]> {
    const hooks = await this.prisma.eventHook.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: HOOK });
    return hooks.map((hook) => ({ ...hook, events: hook.events as EventType[] }));
  }

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.eventHook.count({ where: { id } })) > 0;
  }

  /** Its deliveries go with it (ON DELETE CASCADE). Answers whether there was such a hook. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.eventHook.deleteMany({ where: { id } });
    return count > 0;
  }

  /** Newest first (index event_deliveries_hook_log). */
  async deliveries(hookId: string, status: DeliveryStatus | undefined, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.prisma.eventDelivery.findMany({
      where: { hookId, ...(status ? { status } : {}) },
      orderBy: { id: 'desc' },
      take: limit,
    });
    return rows.map((row) => ({
      id: row.id.toString(),
      type: row.type as EventType,
      status: row.status as DeliveryStatus,
      attempts: row.attempts,
      createdAt: row.createdAt,
      lastAttemptAt: row.lastAttemptAt,
      nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
      lastError: row.lastError,
      payload: row.payload,
    }));
  }

  /**
   * Writes one delivery per event and subscribed hook, in one statement. Given the caller's
   * client, the rows commit (or roll back) with the caller's change: the outbox never holds
   * an event that did not happen, nor misses one that did.
   */
  async enqueue(events: readonly OutgoingEvent[], db: Queryable = this.prisma.pool): Promise<number> {
    if (events.length === 0) return 0;
    const { rowCount } = await db.query(
      `INSERT INTO event_deliveries (hook_id, type, payload)
       SELECT h.id, e.type, e.payload
       FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS e(type, payload, n)
       JOIN event_hooks h ON e.type = ANY (h.events)
       ORDER BY e.n, h.id`,
      [events.map((event) => event.type), events.map((event) => JSON.stringify(event.payload))],
    );
    return rowCount ?? 0;
  }

  /**
   * The delivery policy: which events are attempted now, by whom.
   *
   * A claim is a lease, not a lock held through the HTTP call: it moves the row's due time
   * past the attempt's deadline, and the row stays pending. If this process dies mid-attempt,
   * the row is due again when the lease ends and another worker (or this one, restarted)
   * sends it: nothing is lost, at the price of a possible second delivery (at least once).
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const { rows } = await this.prisma.pool.query<{ id: string; body: string; attempts: number; created_at: Date; url: string; secret: string }>(
      `WITH due AS (
         SELECT id FROM event_deliveries
         -- Pending and due: the partial index event_deliveries_due holds exactly these rows,
         -- oldest due first, so an empty outbox costs one probe of an empty index.
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1
         -- Workers of other instances take other rows instead of queueing behind these.
         FOR UPDATE SKIP LOCKED
       )
       UPDATE event_deliveries d
       SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000),
           attempts = d.attempts + 1,
           last_attempt_at = now()
       FROM due, event_hooks h
       WHERE d.id = due.id AND h.id = d.hook_id
       RETURNING d.id::text, d.payload::text AS body, d.attempts, d.created_at, h.url, h.secret`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({ id: row.id, body: row.body, attempts: row.attempts, createdAt: row.created_at, url: row.url, secret: row.secret }));
  }

  async markSucceeded(id: string): Promise<void> {
    await this.prisma.pool.query(`UPDATE event_deliveries SET status = 'succeeded', last_error = NULL WHERE id = $1`, [id]);
  }

  /**
   * Another attempt at `nextAttemptAt`. Only a pending row changes: a copy of this attempt
   * that another worker made after a lapsed lease may already have succeeded.
   */
  async markRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.prisma.pool.query(`UPDATE event_deliveries SET next_attempt_at = $2, last_error = $3 WHERE id = $1 AND status = 'pending'`, [id, nextAttemptAt, error]);
  }

  /**
   * Deletes one batch of settled deliveries older than `olderThanMs`; answers how many. The log
   * is for looking into recent trouble; kept forever it would grow with every event.
   */
  async pruneSettled(olderThanMs: number, limit: number): Promise<number> {
    const { rowCount } = await this.prisma.pool.query(
      `DELETE FROM event_deliveries
       WHERE id IN (
         SELECT id FROM event_deliveries
         -- Succeeded or failed: a pending delivery is never pruned, however old.
         WHERE status <> 'pending' AND created_at < now() - make_interval(secs => $1::float8 / 1000)
         -- Oldest first, through the partial index event_deliveries_settled.
         ORDER BY created_at
         LIMIT $2
         -- Another instance pruning at the same time takes other rows.
         FOR UPDATE SKIP LOCKED
       )`,
      [olderThanMs, limit],
    );
    return rowCount ?? 0;
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.prisma.pool.query(`UPDATE event_deliveries SET status = 'failed', last_error = $2 WHERE id = $1 AND status = 'pending'`, [id, error]);
  }
}
