// The ingest baseline: the least a Nest endpoint can do for a notification, one `pg` INSERT
// into the same table as pns (same indexes, same count triggers), on express with its JSON
// body parser. No validation, no DTO mapping, no announcement: what pns adds is what it costs.
import 'reflect-metadata';
import { Body, Controller, Get, Headers, Module, Post, UnauthorizedException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const token = process.env.APP_TOKEN;

class BaselineController {
  async create(headers, body) {
    if (headers['x-auth-token'] !== token) throw new UnauthorizedException();
    const userIds = body.userIds ?? [body.userId];
    const data = JSON.stringify(body.data);
    const { rows } =
      userIds.length === 1
        ? await pool.query('INSERT INTO notifications (user_id, data) VALUES ($1, $2::jsonb) RETURNING id, user_id, created_at', [userIds[0], data])
        : await pool.query('INSERT INTO notifications (user_id, data) SELECT u, $2::jsonb FROM unnest($1::text[]) AS u RETURNING id, user_id, created_at', [userIds, data]);
    return { notifications: rows.map((row) => ({ id: row.id, userId: row.user_id, createdAt: row.created_at })) };
  }

  ping() {
    return 'pong';
  }
}
Headers()(BaselineController.prototype, 'create', 0);
Body()(BaselineController.prototype, 'create', 1);
Post('notifications')(BaselineController.prototype, 'create', Object.getOwnPropertyDescriptor(BaselineController.prototype, 'create'));
Get('status/ping')(BaselineController.prototype, 'ping', Object.getOwnPropertyDescriptor(BaselineController.prototype, 'ping'));
Controller('api')(BaselineController);

class BaselineModule {}
Module({ controllers: [BaselineController] })(BaselineModule);

const app = await NestFactory.create(BaselineModule, { logger: ['error', 'warn'], bodyParser: false });
app.useBodyParser('json', { limit: '1mb' });
await app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
const stop = () => app.close().then(() => pool.end()).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
