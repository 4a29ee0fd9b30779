import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health.js';

/** Probes for orchestrators and load balancers; no token. Down answers 503. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
  ) {}

  /** The process serves HTTP. No dependency on purpose: a database outage must not get pns restarted. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.database.check()]).catch(namingWhatIsDown);
  }
}

/**
 * The error filter answers `{statusCode, error, message}` and would drop Terminus's report, so
 * the message names what is down. The driver's error text stays in the log (Terminus logs it):
 * it can name internal hosts, and these routes need no token.
 */
function namingWhatIsDown(error: unknown): never {
  const report = error instanceof ServiceUnavailableException ? (error.getResponse() as Partial<HealthCheckResult>) : undefined;
  if (report?.error === undefined) throw error;
  throw new ServiceUnavailableException(`not ready: ${Object.keys(report.error).join(', ')} down`);
}
