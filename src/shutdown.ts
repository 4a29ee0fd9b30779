import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { HttpDrain } from './http/http-drain.js';
import { closeDevicesInSlices } from './realtime/core/device-drain.js';
import { DeviceRegistry } from './realtime/core/device-registry.js';

/** The longest devices take to leave; a shorter SHUTDOWN_TIMEOUT gets a quarter of it. */
const MAX_DEVICE_DRAIN_MS = 5_000;
/** The longest kept-alive clients get to take their 503 and leave before their connections close. */
const MAX_CONNECTION_GRACE_MS = 1_000;

/**
 * What SIGTERM does, in order (docs/operations.md, Shutdown): refuse new work at once (readiness
 * 503, no new connections, requests on kept-alive connections 503 before being processed);
 * close the devices in slices; answer what is in flight; then close the application (bus,
 * jobs, pools, the embedded database).
 */
export async function drainAndClose(app: INestApplication, drain: HttpDrain, shutdownTimeoutMs: number): Promise<void> {
  const server = app.getHttpServer() as Server;
  drain.start(server);
  await closeDevicesInSlices(app.get(DeviceRegistry), Math.min(MAX_DEVICE_DRAIN_MS, shutdownTimeoutMs / 4));
  await drain.idle();
  // Nothing is in flight: a connection left is idle, or has not finished sending a request.
  await drain.closeRemaining(server, Math.min(MAX_CONNECTION_GRACE_MS, shutdownTimeoutMs / 10));
  await app.close();
}
