import type { IncomingMessage } from 'node:http';
import { CanActivate, createParamDecorator, ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import { DeviceAuthenticator } from '../../auth/device-authenticator.js';

const authenticatedUsers = new WeakMap<IncomingMessage, string>();

/**
 * Authenticates a device's HTTP request exactly as the WebSocket upgrade is (docs/protocol.md, Authentication):
 * ticket in `?connectionId=`, else delegation with the request's cookies; a refusal is the
 * authenticator's status (401, 403 for a disallowed Origin, 503) before anything else is sent.
 */
@Injectable()
export class DeviceAuthGuard implements CanActivate {
  constructor(private readonly authenticator: DeviceAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    const result = await this.authenticator.authenticate(request);
    if (!result.ok) throw new HttpException(result.message, result.status);
    authenticatedUsers.set(request, result.userId);
    return true;
  }
}

/** The user DeviceAuthGuard authenticated the request as. */
export const DeviceUserId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const userId = authenticatedUsers.get(context.switchToHttp().getRequest<IncomingMessage>());
  // Unreachable behind DeviceAuthGuard; never serve a request as nobody.
  if (userId === undefined) throw new Error('DeviceUserId used on a route without DeviceAuthGuard');
  return userId;
});
