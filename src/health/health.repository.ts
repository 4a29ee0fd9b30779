import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

@Injectable()
export class HealthRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A round trip through the same pool the API uses, so ready means the API can query. */
  async ping(): Promise<void> {
    await this.prisma.query(Prisma.sql`SELECT 1`);
  }
}
