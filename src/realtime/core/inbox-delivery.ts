import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Bus } from '../../bus/bus.js';
import type { AnnouncedInbox } from '../../bus/unseen-changes.js';
import { UnseenChangesPublisher } from '../../bus/unseen-changes.publisher.js';
import { PacedBatches } from '../../common/paced-batches.js';
import { AppConfig } from '../../config/app-config.js';
import { InboxFeedRepository, type Feed, type FeedRequest } from '../../inbox/inbox-feed.repository.js';
import { Metrics } from '../../metrics/metrics.js';
import { toChange } from './change.mapper.js';
import type { DeviceConnection } from './device-connection.js';
import { DeviceRegistry } from './device-registry.js';
import type { PushedFrame } from './frames.js';
import { OutgoingFrame } from './outgoing-frame.js';
import type { Subscription } from './subscription.js';

const RETRY_AFTER_FAILURE_MS = 1_000;
/** Users whose versions one reconciliation query reads. */
const RECONCILE_CHUNK = 5_000;
/** Changes read per user and flush; a device further behind gets the rest in the next flushes. */
export const CHANGES_PAGE = 100;
/** In a reconnect storm, the devices that arrive within this long get their first counts from one read. */
const ARRIVALS_SPACING_MS = 25;

/** Where a protocol-2 connection stands. */
interface Position {
  /** The version of the last change (or counts, or resync) it got; undefined until its first counts. */
  cursor: number | undefined;
  /** The version of the last counts it got. */
  countsVersion: number;
}

/**
 * Delivers each connected user's inbox after it changed (docs/protocol.md): protocol 1's count
 * frame, or protocol 2's changes in version order and then its counts.
 *
 * An announcement carries the user's version and unseen count as read after the change
 * committed: protocol 1 connections take that count as it is, without a read of their own, when
 * its version is newer than the one they have (a device never goes back to an older version;
 * a skipped version loses nothing, since each count is the whole inbox's at its version). The
 * instance that announced delivers to its own devices as soon as its announcement is made,
 * without waiting for its NOTIFY to come back; whichever of the two comes second is then not
 * newer, and is not sent.
 *
 * Protocol 2 needs the changes themselves, and an announcement without counts (the host's
 * transaction announced it) says only that something changed: those only mark the user dirty;
 * one flush at a time reads, for all dirty users in one statement, the counts and the changes
 * after the lowest version their protocol-2 connections hold, and each connection gets what it
 * has not had. Users marked during a flush are read by the next. Whatever announcements were
 * coalesced, lost or reordered, the log is read again: nothing is skipped, nothing sent twice,
 * and once a user is quiet the last counts sent are the database's.
 *
 * An announcement that never came at all (its publisher died between commit and NOTIFY, or a
 * row was changed by hand) is caught by reconciliation: on every heartbeat interval the
 * versions of all connected users are compared with the last ones delivered.
 */
@Injectable()
export class InboxDelivery implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(InboxDelivery.name);
  private dirty = new Set<string>();
  private readonly lastVersion = new Map<string, number>();
  /** Protocol-2 connections; a connection absent here speaks protocol 1. */
  private readonly positions = new WeakMap<DeviceConnection, Position>();
  /** The version of the last count frame each protocol-1 connection got. */
  private readonly countVersions = new WeakMap<DeviceConnection, number>();
  private flushing = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  /** Users whose device just connected; read together, not a read per few devices (docs/performance.md, Connections). */
  private readonly arrivals = new PacedBatches<string>(ARRIVALS_SPACING_MS, (userIds) => {
    for (const userId of userIds) this.markDirty(userId);
  });

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly feed: InboxFeedRepository,
    bus: Bus,
    publisher: UnseenChangesPublisher,
    private readonly config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    // Every instance announces the users whose inbox it changed (UnseenChangesPublisher)...
    bus.on('unseenChanged', (userId, inbox) => this.announced(userId, inbox));
    // ...and this one hears its own announcements at once, before their NOTIFY comes back.
    publisher.on('announced', (userId, inbox) => this.announced(userId, inbox));
    bus.on('resync', () => this.markAllDirty());
  }

  onModuleInit(): void {
    this.reconcileTimer = setInterval(() => void this.reconcile(), this.config.heartbeatIntervalMs).unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.arrivals.stop();
    clearTimeout(this.timer);
    clearInterval(this.reconcileTimer);
  }

  /** A connection just registered: its first frames are the user's inbox as the database has it. */
  connected(connection: DeviceConnection, userId: string, subscription: Subscription): void {
    if (subscription.protocol === 2) this.positions.set(connection, { cursor: subscription.since, countsVersion: -1 });
    this.arrivals.add(userId);
  }

  /** Whether the connection asked for protocol 2, whose frames are new to protocol-1 devices. */
  speaksProtocol2(connection: DeviceConnection): boolean {
    return this.positions.has(connection);
  }

  /** The user's inbox changed, to `inbox` when the announcement read it. Users without a connection here are ignored. */
  announced(userId: string, inbox: AnnouncedInbox | undefined): void {
    const connections = this.registry.connectionsOf(userId);
    if (!connections) return;
    if (inbox === undefined) return this.markDirty(userId);
    let frame: OutgoingFrame<PushedFrame> | undefined;
    for (const connection of connections) {
      const counted = this.countVersions.get(connection);
      // Protocol 2 needs the changes, which only a read has; a connection without its first
      // count gets it from the read its connection asked for, which this change may postdate.
      if (this.positions.has(connection) || counted === undefined) this.markDirty(userId);
      else if (inbox.version > counted) {
        frame ??= new OutgoingFrame({ newNotificationCountChanged: inbox.unseen, version: inbox.version });
        this.send(frame, connection);
        this.countVersions.set(connection, inbox.version);
      }
    }
    this.delivered(userId, inbox.version);
  }

  /** Users without a connection here are ignored: other instances serve them. */
  markDirty(userId: string): void {
    if (!this.registry.has(userId)) return;
    this.dirty.add(userId);
    this.scheduleFlush(0);
  }

  /** After the bus was down: any connected user's inbox may have changed unheard. */
  markAllDirty(): void {
    for (const userId of this.registry.users()) this.dirty.add(userId);
    this.scheduleFlush(0);
  }

  /**
   * Marks dirty every connected user whose version differs from the last one delivered. A user
   * not yet delivered to is left to the first read its connection asked for (retried until it
   * succeeds): reading it here as well would send that first count twice.
   */
  async reconcile(): Promise<void> {
    for (const userId of this.lastVersion.keys()) if (!this.registry.has(userId)) this.lastVersion.delete(userId);
    const users = [...this.lastVersion];
    for (let start = 0; start < users.length && !this.stopped; start += RECONCILE_CHUNK) {
      const chunk = users.slice(start, start + RECONCILE_CHUNK).map(([userId, version]) => ({ userId, version }));
      let moved: string[];
      try {
        moved = await this.feed.moved(chunk);
      } catch (error) {
        this.logger.warn(`reconciling inbox versions failed: ${(error as Error).message}`);
        return;
      }
      for (const userId of moved) this.markDirty(userId);
    }
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushing || this.stopped || this.dirty.size === 0) return;
    this.flushing = true;
    // Deferred, not called at once: the announcements of one network read are read together.
    if (delayMs === 0) setImmediate(() => void this.flush());
    else this.timer = setTimeout(() => void this.flush(), delayMs);
  }

  private async flush(): Promise<void> {
    while (this.dirty.size > 0 && !this.stopped) {
      const requests = [...this.dirty].map((userId) => this.requestFor(userId));
      this.dirty = new Set();
      let feeds: Map<string, Feed>;
      try {
        feeds = await this.feed.read(requests, CHANGES_PAGE);
      } catch (error) {
        this.logger.warn(`reading inboxes failed, retrying in ${RETRY_AFTER_FAILURE_MS} ms: ${(error as Error).message}`);
        for (const { userId } of requests) if (this.registry.has(userId)) this.dirty.add(userId);
        this.flushing = false;
        this.scheduleFlush(RETRY_AFTER_FAILURE_MS);
        return;
      }
      for (const request of requests) this.deliver(request, feeds.get(request.userId)!);
    }
    this.flushing = false;
  }

  /** Changes after the lowest version the user's protocol-2 connections hold (null: none needs any), categories when one speaks protocol 2. */
  private requestFor(userId: string): FeedRequest {
    let after: number | null = null;
    let categories = false;
    for (const connection of this.registry.connectionsOf(userId) ?? []) {
      const position = this.positions.get(connection);
      if (position === undefined) continue;
      categories = true;
      if (position.cursor !== undefined && (after === null || position.cursor < after)) after = position.cursor;
    }
    return { userId, after, categories };
  }

  private deliver(request: FeedRequest, feed: Feed): void {
    const connections = this.registry.connectionsOf(request.userId);
    if (!connections) {
      this.lastVersion.delete(request.userId);
      return;
    }
    this.delivered(request.userId, feed.counts.version);
    // Each frame's JSON is made once, however many of the user's connections send it.
    const frames = new FrameCache(feed, (frame, connection) => this.send(frame, connection));
    for (const connection of connections) {
      const position = this.positions.get(connection);
      if (position === undefined) this.sendCount(connection, frames, feed.counts.version);
      // Connected since the read was asked for: protocol 1's read has no full counts for it.
      else if (!request.categories) this.markDirty(request.userId);
      else if (this.deliverChanges(connection, position, request.after, feed, frames)) this.markDirty(request.userId);
    }
  }

  /** A read older than what an announcement already brought the connection is not sent. */
  private sendCount(connection: DeviceConnection, frames: FrameCache, version: number): void {
    if (version < (this.countVersions.get(connection) ?? -1)) return;
    frames.send('count', connection);
    this.countVersions.set(connection, version);
  }

  /** What reconciliation compares with the database: the newest version delivered, however it came. */
  private delivered(userId: string, version: number): void {
    if (version > (this.lastVersion.get(userId) ?? -1)) this.lastVersion.set(userId, version);
  }

  /** Brings one protocol-2 connection as far as this read goes; true when there is more to read for it. */
  private deliverChanges(connection: DeviceConnection, position: Position, after: number | null, feed: Feed, frames: FrameCache): boolean {
    const { version } = feed.counts;
    if (position.cursor === undefined) {
      frames.sendCounts(connection, position);
      return false;
    }
    // Asked for changes the log no longer keeps (or a version the user never had): reload.
    if (position.cursor < feed.prunedVersion || position.cursor > version) {
      frames.send('resync', connection);
      frames.sendCounts(connection, position);
      return false;
    }
    // This read started after the connection's version (it connected meanwhile): the next one will not.
    if (after === null || position.cursor < after) return position.cursor < version;
    for (const [index, change] of feed.changes.entries()) {
      if (change.version !== position.cursor + 1) continue;
      frames.sendChange(index, connection);
      position.cursor = change.version;
    }
    if (position.cursor === version) {
      if (version > position.countsVersion) frames.sendCounts(connection, position);
      return false;
    }
    if (feed.changes.length === CHANGES_PAGE) return true;
    // Not a full page, yet short of the version: a change is missing from the log (deleted by hand).
    frames.send('resync', connection);
    frames.sendCounts(connection, position);
    return false;
  }

  private send(frame: OutgoingFrame<PushedFrame>, connection: DeviceConnection): void {
    // Through the registry, which closes a connection whose peer stopped reading.
    this.registry.send(connection, frame);
    this.metrics?.framesSent.inc({ type: frame.entry[0] });
  }
}

/** The frames of one user's read, each made on first use. */
class FrameCache {
  private count: OutgoingFrame<PushedFrame> | undefined;
  private counts: OutgoingFrame<PushedFrame> | undefined;
  private resync: OutgoingFrame<PushedFrame> | undefined;
  private readonly changes: (OutgoingFrame<PushedFrame> | undefined)[] = [];

  constructor(
    private readonly feed: Feed,
    private readonly write: (frame: OutgoingFrame<PushedFrame>, connection: DeviceConnection) => void,
  ) {}

  send(kind: 'count' | 'resync', connection: DeviceConnection): void {
    const { unseen, version } = this.feed.counts;
    if (kind === 'count') this.write((this.count ??= new OutgoingFrame({ newNotificationCountChanged: unseen, version })), connection);
    else this.write((this.resync ??= new OutgoingFrame({ resync: { version } })), connection);
  }

  sendCounts(connection: DeviceConnection, position: Position): void {
    this.write((this.counts ??= new OutgoingFrame({ counts: this.feed.counts })), connection);
    position.cursor = position.countsVersion = this.feed.counts.version;
  }

  sendChange(index: number, connection: DeviceConnection): void {
    this.write((this.changes[index] ??= new OutgoingFrame({ change: toChange(this.feed.changes[index]) })), connection);
  }
}
