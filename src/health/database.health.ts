import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { HealthRepository } from './health.repository.js';

/**
 * Past this the database counts as down: a probe must get an answer quickly. The query itself
 * is not cancelled (Prisma takes no abort signal): it keeps its pool connection until the
 * database answers or the connection drops.
 */
const PING_TIMEOUT_MS = 1000;

/**
 * Not Terminus's PrismaHealthIndicator: it first tries a MongoDB command and falls back to SQL
 * on the text of that command's error. A plain `SELECT 1` checks what it says.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly repository: HealthRepository,
  ) {}

  check() {
    return this.indicators
      .check('database')
      .attempt(() => this.repository.ping())
      .withTimeout(PING_TIMEOUT_MS);
  }
}
