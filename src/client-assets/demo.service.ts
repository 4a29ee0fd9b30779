import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { DeviceAuthenticator } from '../auth/device-authenticator.js';
import { TicketsService } from '../auth/tickets.service.js';
import { AppConfig } from '../config/app-config.js';
import { renderDemoPage, type DemoViewer } from './demo-page.js';

/** Holds the ticket of the browser's own demo user, so a reload keeps its inbox. */
export const DEMO_TICKET_COOKIE = 'pns_demo_ticket';

export interface DemoPage {
  html: string;
  /** A demo user's ticket the browser should keep (DEMO_TICKET_COOKIE). */
  demoTicket?: string;
}

/**
 * Decides, while serving /demo, whom the page shows, so that the page never makes a request
 * that fails: the user of the ticket in its address; else the application's user, asking
 * AUTH_DELEGATE_URL with the page request's cookies exactly as a device connection would;
 * else a demo user of this browser's own, with a ticket registered for it here.
 */
@Injectable()
export class DemoService {
  constructor(
    private readonly authenticator: DeviceAuthenticator,
    private readonly tickets: TicketsService,
    private readonly config: AppConfig,
  ) {}

  async page(request: IncomingMessage): Promise<DemoPage> {
    const identified = await this.authenticator.authenticate(request);
    const connectionId = new URL(request.url ?? '/', 'http://pns').searchParams.get('connectionId') ?? undefined;
    if (connectionId !== undefined) {
      // The address names a ticket: show its user or say why not, never someone else's inbox.
      return { html: renderDemoPage(identified.ok ? { userId: identified.userId, connectionId, via: 'ticket' } : { problem: `${identified.message}.` }) };
    }
    if (identified.ok) return { html: renderDemoPage({ userId: identified.userId, via: 'session' }) };
    const demo = await this.demoUser(request);
    const viewer: DemoViewer = { ...demo, via: 'demo', reason: this.config.authDelegateUrl === undefined ? 'no-delegate' : identified.status === 401 ? 'no-session' : 'delegate-unavailable' };
    return { html: renderDemoPage(viewer), demoTicket: demo.connectionId };
  }

  /** This browser's demo user while its ticket is good, else a new one. */
  private async demoUser(request: IncomingMessage): Promise<{ userId: string; connectionId: string }> {
    const remembered = cookie(request.headers.cookie, DEMO_TICKET_COOKIE);
    const rememberedUser = remembered === undefined ? undefined : await this.tickets.resolve(remembered);
    if (remembered !== undefined && rememberedUser !== undefined) return { userId: rememberedUser, connectionId: remembered };
    const userId = `demo-${randomBytes(6).toString('hex')}`;
    const connectionId = randomUUID();
    await this.tickets.register(userId, connectionId);
    return { userId, connectionId };
  }
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
