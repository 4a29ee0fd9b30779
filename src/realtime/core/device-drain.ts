import type { DeviceRegistry } from './device-registry.js';

/** Devices leave in this many groups, spread evenly over the drain. */
const SLICES = 20;

/**
 * Closes every device connection of this instance with 1001 (going away: reconnect at once),
 * a slice at a time over `durationMs`, so that 20,000 devices do not all reconnect to the other
 * instances in the same half second (docs/operations.md, Shutdown).
 */
export async function closeDevicesInSlices(registry: DeviceRegistry, durationMs: number): Promise<void> {
  const connections = [...registry.connections()];
  const perSlice = Math.ceil(connections.length / SLICES);
  for (let start = 0; start < connections.length; start += perSlice) {
    if (start > 0) await new Promise((resolve) => setTimeout(resolve, durationMs / SLICES));
    for (const connection of connections.slice(start, start + perSlice)) {
      // Unregistered first: no count is sent to a closing connection.
      registry.remove(connection);
      connection.close(1001, 'server shutting down');
    }
  }
}
