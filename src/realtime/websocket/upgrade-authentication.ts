import type { IncomingMessage } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { DeviceAuthenticator } from '../../auth/device-authenticator.js';
import type { Refusal } from '../core/device-registry.js';

type VerifyDone = (verified: boolean, status?: number, message?: string) => void;

/**
 * Authenticates a gateway's WebSocket upgrades in ws's verifyClient (docs/protocol.md, Authentication), so that a
 * refused device gets the real HTTP status and never a socket; the gateway then takes the
 * authenticated user in handleConnection, which ws hands the same request object.
 */
export class UpgradeAuthentication {
  private readonly users = new WeakMap<IncomingMessage, string>();

  /** `refusal` says whether the authenticated user may open one more connection (the registry's caps). */
  constructor(
    private readonly authenticator: DeviceAuthenticator,
    private readonly refusal: (userId: string) => Refusal | undefined = () => undefined,
  ) {}

  /** Called from the gateway's afterInit: it needs the injected authenticator. */
  install(server: WebSocketServer): void {
    server.options.verifyClient = ({ req }: { req: IncomingMessage }, done: VerifyDone) => {
      void this.authenticator.authenticate(req).then((result) => {
        if (!result.ok) return done(false, result.status, result.message);
        const refused = this.refusal(result.userId);
        if (refused !== undefined) return done(false, refused.status, refused.message);
        this.users.set(req, result.userId);
        done(true);
      });
    };
  }

  /** The user the upgrade was authenticated as (once); undefined would be a socket that skipped verifyClient. */
  take(request: IncomingMessage): string | undefined {
    const userId = this.users.get(request);
    this.users.delete(request);
    return userId;
  }
}
