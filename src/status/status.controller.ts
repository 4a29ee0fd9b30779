import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import packageJson from '../../package.json' with { type: 'json' };

/** Liveness for load balancers and the old notification servers' clients; no token. */
@ApiTags('status')
@Controller('api/status')
export class StatusController {
  @Get('ping')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  ping(): string {
    return 'pong';
  }

  @Get('info')
  info(): { name: string; version: string } {
    return { name: packageJson.name, version: packageJson.version };
  }
}
