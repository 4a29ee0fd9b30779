import request from 'supertest';
import type { Change, Counts } from '../../src/realtime/core/frames';
import { auth, type RunningApp } from './app';
import { Device } from './device';
import { registerTicket } from './devices';
import { SseDevice } from './sse-device';
import { eventually } from './waiters';

/** One protocol-2 event as a device received it, whatever the transport; `id` is the SSE event id. */
export interface InboxEvent {
  name: string;
  data: unknown;
  id?: string;
}

/**
 * A protocol-2 device (docs/protocol.md, Protocol 2) on WebSocket or SSE, read the same way:
 * its events in order, its changes, its last counts.
 */
export class InboxDevice {
  private constructor(
    readonly transport: 'websocket' | 'sse',
    private readonly read: () => InboxEvent[],
    readonly close: () => void,
  ) {}

  /** `since` resumes after a version: `?since=` on WebSocket, `Last-Event-ID` on SSE. */
  static async connect(pns: RunningApp, userId: string, transport: 'websocket' | 'sse', options: { since?: number; ticket?: string } = {}): Promise<InboxDevice> {
    const ticket = options.ticket ?? (await registerTicket(pns, userId));
    const path = `/subscribe?connectionId=${encodeURIComponent(ticket)}&protocol=2`;
    if (transport === 'websocket') {
      const device = await Device.connect(pns.wsUrl, { path: options.since === undefined ? path : `${path}&since=${options.since}` });
      const events = () => device.frames.map((frame) => ({ name: Object.keys(frame)[0], data: Object.values(frame)[0] }));
      return new InboxDevice('websocket', events, () => device.close());
    }
    const device = await SseDevice.open(pns.baseUrl, { path, headers: options.since === undefined ? {} : { 'Last-Event-ID': String(options.since) } });
    return new InboxDevice('sse', () => device.events.map((event) => ({ name: event.event, data: event.data, id: event.id })), () => device.close());
  }

  get events(): InboxEvent[] {
    return this.read();
  }

  get changes(): Change[] {
    return this.events.filter((event) => event.name === 'change').map((event) => event.data as Change);
  }

  get lastCounts(): Counts | undefined {
    return this.events.filter((event) => event.name === 'counts').at(-1)?.data as Counts | undefined;
  }

  /** The events' kinds and versions, e.g. `counts 3`, `change 4`, `resync 9`. */
  get trace(): string[] {
    return this.events.map((event) => `${event.name} ${(event.data as { version?: number }).version ?? ((event.data as { counts?: Counts }).counts?.version ?? '')}`.trim());
  }

  waitFor(condition: (device: InboxDevice) => boolean, what: string): Promise<void> {
    return eventually(() => condition(this), `${what} on ${this.transport}; trace: ${this.trace.slice(-12).join(', ')}`);
  }

  /** Waits until the last counts received are at `version`. */
  waitForVersion(version: number): Promise<void> {
    return this.waitFor((device) => device.lastCounts?.version === version, `counts at version ${version}`);
  }
}

/** GET /api/users/:userId/counts, without the userId. */
export async function countsOf(pns: RunningApp, userId: string): Promise<Counts> {
  const response = await request(pns.baseUrl).get(`/api/users/${encodeURIComponent(userId)}/counts`).set(auth).expect(200);
  const { userId: _userId, ...counts } = response.body as Counts & { userId: string };
  return counts;
}

export function markVia(pns: RunningApp, userId: string, body: object): request.Test {
  return request(pns.baseUrl).post(`/api/users/${encodeURIComponent(userId)}/notifications/mark`).set(auth).send(body);
}
