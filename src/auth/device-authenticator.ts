import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AuthDelegate } from './auth-delegate.js';
import { DEVICE_VERIFIER, type DeviceVerifier } from './device-verifier.js';
import { isOriginAllowed } from './origin.js';
import { TicketsService } from './tickets.service.js';

export type DeviceAuthResult = { ok: true; userId: string } | { ok: false; status: 401 | 403 | 503; message: string };

/**
 * Decides who a device is from its connection request (the WebSocket upgrade or the SSE GET),
 * before anything is sent to it (docs/protocol.md, Authentication). Never rejects: every outcome is a result the
 * transport turns into an HTTP status.
 */
@Injectable()
export class DeviceAuthenticator {
  private readonly logger = new Logger(DeviceAuthenticator.name);

  constructor(
    private readonly config: AppConfig,
    private readonly tickets: TicketsService,
    private readonly delegate: AuthDelegate,
    @Optional() @Inject(DEVICE_VERIFIER) private readonly verifier?: DeviceVerifier | null,
  ) {}

  isOriginAllowed(origin: string | undefined): boolean {
    return isOriginAllowed(this.config.allowedOrigins, origin);
  }

  /** Never rejects: a failure of pns's own is a 503, so every transport can answer with the status. */
  async authenticate(request: IncomingMessage): Promise<DeviceAuthResult> {
    try {
      return await this.decide(request);
    } catch (error) {
      this.logger.error(`device authentication failed: ${error instanceof Error ? error.stack : String(error)}`);
      return { ok: false, status: 503, message: 'device authentication is unavailable; try again later' };
    }
  }

  private async decide(request: IncomingMessage): Promise<DeviceAuthResult> {
    if (!this.isOriginAllowed(request.headers.origin)) {
      this.logger.debug('device refused: origin not allowed');
      return { ok: false, status: 403, message: 'this origin is not allowed to connect (ALLOWED_ORIGINS)' };
    }
    const connectionId = connectionIdOf(request.url);
    // A ticket in the query decides alone: the backend chose this way of authenticating.
    if (connectionId !== undefined) return this.byTicket(connectionId);
    if (this.verifier) return this.byVerifier(this.verifier, request);
    if (this.delegate.configured) return this.delegate.authenticate(request);
    return {
      ok: false,
      status: 401,
      message: 'connect with ?connectionId=<ticket> registered by the application (PUT /api/:userId/register); no AUTH_DELEGATE_URL is configured',
    };
  }

  /** The host application's own decision, in-process; its failure is a 503 like a delegate's. */
  private async byVerifier(verifier: DeviceVerifier, request: IncomingMessage): Promise<DeviceAuthResult> {
    const userId = await verifier(request);
    if (userId === null) return { ok: false, status: 401, message: 'the application did not recognise this device' };
    return { ok: true, userId };
  }

  private async byTicket(connectionId: string): Promise<DeviceAuthResult> {
    let userId: string | undefined;
    try {
      userId = await this.tickets.resolve(connectionId);
    } catch (error) {
      this.logger.warn(`device authentication unavailable: tickets could not be read (${error instanceof Error ? error.message : String(error)})`);
      return { ok: false, status: 503, message: 'connection tickets cannot be checked right now; try again later' };
    }
    if (userId === undefined) {
      this.logger.debug('device refused: unknown or expired ticket');
      return { ok: false, status: 401, message: 'unknown or expired connectionId; register a new ticket' };
    }
    this.logger.debug('device authenticated by ticket');
    return { ok: true, userId };
  }
}

/** The `connectionId` of the request target's query, if it has one (even empty). */
function connectionIdOf(url = ''): string | undefined {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return undefined;
  return new URLSearchParams(url.slice(queryStart + 1)).get('connectionId') ?? undefined;
}
