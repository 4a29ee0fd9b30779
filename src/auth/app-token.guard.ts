import { timingSafeEqual, createHash } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config.js';

/** The application backend's secret, as `X-Auth-Token` or `Authorization: Bearer`. */
@Injectable()
export class AppTokenGuard implements CanActivate {
  private readonly expectedDigest: Buffer | undefined;

  constructor(config: AppConfig) {
    // An empty configured token must never match an empty presented one.
    this.expectedDigest = config.appToken ? digest(config.appToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const presented = presentedToken(context.switchToHttp().getRequest<Request>());
    // Comparing fixed-length digests keeps the comparison constant-time whatever the lengths.
    if (this.expectedDigest && presented && timingSafeEqual(digest(presented), this.expectedDigest)) return true;
    throw new UnauthorizedException('a valid app token is required (X-Auth-Token or Authorization: Bearer)');
  }
}

function presentedToken(request: Request): string | undefined {
  const header = request.headers['x-auth-token'];
  if (typeof header === 'string' && header !== '') return header;
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
  return bearer?.[1];
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
