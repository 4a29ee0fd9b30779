import type { IncomingMessage } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { DeviceAuthenticator } from '../../auth/device-authenticator.js';
import type { Refusal } from '../core/device-registry.js';
import { SubscriptionError, type Subscription } from '../core/subscription.js';

type VerifyDone = (verified: boolean, status?: number, message?: string) => void;

/** Who the upgrade was authenticated as, and what it asked for. */
export interface AuthenticatedUpgrade {
  userId: string;
  subscription: Subscription;
}

/**
 * Authenticates a gateway's WebSocket upgrades in ws's verifyClient (docs/protocol.md, Authentication), so that a
 * refused device gets the real HTTP status and never a socket; the gateway then takes the
 * authenticated user in handleConnection, which ws hands the same request object.
 */
export class UpgradeAuthentication {
  private readonly upgrades = new WeakMap<IncomingMessage, AuthenticatedUpgrade>();

  /**
   * `readSubscription` reads what the device asks for from its address (throws SubscriptionError: 400);
   * `refusal` says whether the authenticated user may open one more connection (the registry's caps).
   */
  constructor(
    private readonly authenticator: DeviceAuthenticator,
    private readonly readSubscription: (url: string | undefined) => Subscription = () => ({ protocol: 1 }),
    private readonly refusal: (userId: string) => Refusal | undefined = () => undefined,
  ) {}

  /** Called from the gateway's afterInit: it needs the injected authenticator. */
  install(server: WebSocketServer): void {
    server.options.verifyClient = ({ req }: { req: IncomingMessage }, done: VerifyDone) => {
      let subscription: Subscription;
      try {
        subscription = this.readSubscription(req.url);
      } catch (error) {
        if (error instanceof SubscriptionError) return done(false, 400, error.message);
        throw error;
      }
      void this.authenticator.authenticate(req).then((result) => {
        if (!result.ok) return done(false, result.status, result.message);
        const refused = this.refusal(result.userId);
        if (refused !== undefined) return done(false, refused.status, refused.message);
        this.upgrades.set(req, { userId: result.userId, subscription });
        done(true);
      });
    };
  }

  /** What the upgrade was authenticated as (once); undefined would be a socket that skipped verifyClient. */
  take(request: IncomingMessage): AuthenticatedUpgrade | undefined {
    const upgrade = this.upgrades.get(request);
    this.upgrades.delete(request);
    return upgrade;
  }
}
