import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(__filename);

// Telemetry is off by default: pns runs in networks that must not phone home (docs/operations.md).
describe('telemetry', () => {
  it("is off for every Prisma CLI command run in this project, without anyone setting CHECKPOINT_DISABLE", () => {
    const env: Record<string, string | undefined> = { ...process.env, DEBUG: 'prisma:cli:checkpoint', PRISMA_SCHEMA_ENGINE_BINARY: process.execPath };
    delete env.CHECKPOINT_DISABLE;
    const result = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'validate'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/runCheckpointClientCheck\(\) is disabled/);
  });

  it("is off for Scarf's install-time analytics (a dependency of swagger-ui)", () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scarfSettings).toEqual({ enabled: false });
  });
});
