import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  await globalThis.pnsTestPostgres?.stop();
  if (globalThis.pnsTestPostgresDir) await rm(globalThis.pnsTestPostgresDir, { recursive: true, force: true });
}
