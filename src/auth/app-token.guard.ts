import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config.js';

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * The application backend's secret, as `X-Auth-Token` or `Authorization: Bearer`: any of the
 * full-access tokens (APP_TOKEN, APP_TOKENS), or a read-only one (APP_READONLY_TOKENS) for
 * GET and HEAD only.
 */
@Injectable()
export class AppTokenGuard implements CanActivate {
  private readonly fullAccess: readonly Buffer[];
  private readonly readOnly: readonly Buffer[];

  constructor(config: AppConfig) {
    // An empty configured token must never match an empty presented one.
    this.fullAccess = config.appTokens.filter((token) => token !== '').map(digest);
    this.readOnly = config.readOnlyTokens.filter((token) => token !== '').map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const presented = presentedToken(request);
    if (presented) {
      const presentedDigest = digest(presented);
      if (matchesAny(presentedDigest, this.fullAccess)) return true;
      if (matchesAny(presentedDigest, this.readOnly)) {
        if (READ_METHODS.has(request.method)) return true;
        throw new ForbiddenException('this app token is read-only: it may only GET');
      }
    }
    throw new UnauthorizedException('a valid app token is required (X-Auth-Token or Authorization: Bearer)');
  }
}

/**
 * Compares fixed-length digests, constant-time whatever the lengths, and against every token
 * without stopping early, so the time taken tells nothing about which one matched.
 */
function matchesAny(presented: Buffer, expected: readonly Buffer[]): boolean {
  let matched = false;
  for (const candidate of expected) matched = timingSafeEqual(presented, candidate) || matched;
  return matched;
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
