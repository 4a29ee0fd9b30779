import { GATEWAY_OPTIONS } from '@nestjs/websockets/constants.js';
import { DeviceGateway } from '../realtime/websocket/device.gateway.js';
import { EventStreamGateway } from '../realtime/notifier/event-stream.gateway.js';

type GatewayOptions = { path?: string } & Record<string, unknown>;

const declared = new Map<object, GatewayOptions>();

/**
 * Mounts the WebSocket gateways under `mountPath` (`/pns/subscribe`). A gateway's path is fixed
 * by its decorator, which Nest reads when the application starts, and RouterModule prefixes HTTP
 * routes only: so the declared options are kept and each start sets the path it mounts them on.
 */
export function mountGateways(mountPath: string): void {
  for (const gateway of [DeviceGateway, EventStreamGateway]) {
    if (!declared.has(gateway)) declared.set(gateway, Reflect.getMetadata(GATEWAY_OPTIONS, gateway) as GatewayOptions);
    const options = declared.get(gateway) as GatewayOptions;
    Reflect.defineMetadata(GATEWAY_OPTIONS, { ...options, path: `${mountPath}${options.path ?? ''}` }, gateway);
  }
}
