import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { UnavailableError } from '../common/errors.js';
import { DatabaseServer } from '../database/database-server.js';
import { BusRepository } from './bus.repository.js';
import { parseControlMessage, type ControlMessage } from './control-message.js';
import { PREFERENCES_CHANGED_CHANNEL } from './preferences-changed.js';
import { UNSEEN_CHANGED_CHANNEL, unpackAnnouncements, type AnnouncedInbox } from './unseen-changes.js';

export const CONTROL_CHANNEL = 'pns_connection_control';
/** Every instance's bus connection carries this prefix, so instances can count each other. */
export const BUS_APPLICATION_NAME_PREFIX = 'pns-bus:';

const FIRST_RECONNECT_DELAY_MS = 100;
const MAX_RECONNECT_DELAY_MS = 5_000;

export interface BusEvents {
  /** The user's inbox changed; `inbox` is its version and unseen count after the change, when the announcer read them. */
  unseenChanged: [userId: string, inbox: AnnouncedInbox | undefined];
  preferencesChanged: [userId: string];
  control: [message: ControlMessage];
  /** The connection was lost and is back: notifications sent meanwhile may be missed. */
  resync: [];
}

/**
 * The instance's own PostgreSQL connection for LISTEN/NOTIFY. It cannot come from the Prisma
 * pool: a pooled connection is shared and recycled, and LISTEN belongs to one session; behind a
 * transaction pooler it goes to the server directly (DATABASE_LISTEN_URL).
 */
@Injectable()
export class Bus extends EventEmitter<BusEvents> implements OnModuleInit, OnModuleDestroy {
  readonly instanceId = randomUUID();
  private readonly logger = new Logger(Bus.name);
  private readonly sql = new BusRepository();
  private client: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly database: DatabaseServer) {
    super();
  }

  // Fails the start: an instance that cannot hear its database would serve stale counts.
  async onModuleInit(): Promise<void> {
    this.client = await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  async publish(message: ControlMessage): Promise<void> {
    await this.sql.notify(this.connected(), CONTROL_CHANNEL, JSON.stringify(message));
  }

  /** Instances whose bus is connected to this database, this one included. */
  liveInstances(): Promise<number> {
    return this.sql.countSessions(this.connected(), BUS_APPLICATION_NAME_PREFIX);
  }

  private connected(): pg.Client {
    if (!this.client) throw new UnavailableError('the database notification connection is down; retry shortly');
    return this.client;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.database.session, application_name: `${BUS_APPLICATION_NAME_PREFIX}${this.instanceId}` });
    client.on('notification', (notification) => this.dispatch(notification));
    // A lost connection emits 'error' (when a query was running or the server said why) then 'end'.
    client.on('error', (error) => this.logger.warn(`bus connection error: ${error.message}`));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await this.sql.listen(client, [UNSEEN_CHANGED_CHANNEL, PREFERENCES_CHANGED_CHANNEL, CONTROL_CHANNEL]);
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private lost(client: pg.Client): void {
    if (this.closing || this.client !== client) return;
    this.client = undefined;
    this.logger.warn('bus connection lost; reconnecting');
    this.scheduleReconnect(0);
  }

  private scheduleReconnect(attempt: number): void {
    const ceiling = Math.min(MAX_RECONNECT_DELAY_MS, FIRST_RECONNECT_DELAY_MS * 2 ** attempt);
    // Jitter: instances that lost the database together should not return in lockstep.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.reconnectTimer = setTimeout(() => void this.reconnect(attempt), delay);
  }

  private async reconnect(attempt: number): Promise<void> {
    let client: pg.Client;
    try {
      client = await this.connect();
    } catch (error) {
      if (this.closing) return;
      this.logger.warn(`bus reconnect failed: ${(error as Error).message}`);
      this.scheduleReconnect(attempt + 1);
      return;
    }
    if (this.closing) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.logger.log('bus connection restored');
    this.emit('resync');
  }

  private dispatch({ channel, payload }: pg.Notification): void {
    // A listener's exception must not reach pg's socket handler, which would break the bus.
    try {
      if (channel === UNSEEN_CHANGED_CHANNEL && payload) {
        for (const { userId, inbox } of unpackAnnouncements(payload)) this.emit('unseenChanged', userId, inbox);
      } else if (channel === PREFERENCES_CHANGED_CHANNEL && payload) {
        for (const { userId } of unpackAnnouncements(payload)) this.emit('preferencesChanged', userId);
      } else if (channel === CONTROL_CHANNEL) {
        const message = parseControlMessage(payload ?? '');
        if (message) this.emit('control', message);
        else this.logger.warn(`ignored a malformed control message: ${payload}`);
      }
    } catch (error) {
      this.logger.error(`bus listener failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
}
