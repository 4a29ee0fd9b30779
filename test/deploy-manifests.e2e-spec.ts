import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseDuration } from '../src/config/duration';

// The Kubernetes manifests are not applied here (no cluster): this holds them to what pns is.
describe('the Kubernetes manifests in deploy/kubernetes', () => {
  const read = (file: string) => readFile(`deploy/kubernetes/${file}`, 'utf8');
  const value = (text: string, pattern: RegExp): string => {
    const match = pattern.exec(text);
    if (!match) throw new Error(`no ${pattern} in the manifest`);
    return match[1];
  };

  it('probe liveness on /health/live and readiness on /health/ready', async () => {
    const deployment = await read('deployment.yaml');
    expect(value(deployment, /livenessProbe:\s+httpGet: \{ path: (\S+),/)).toBe('/health/live');
    expect(value(deployment, /readinessProbe:\s+httpGet: \{ path: (\S+),/)).toBe('/health/ready');
  });

  it('leave migrations to the Job, which runs a command the image has', async () => {
    expect(value(await read('configmap.yaml'), /MIGRATE_ON_START: "(\w+)"/)).toBe('false');
    const command = JSON.parse(value(await read('migrate/job.yaml'), /command: (\[.*\])/)) as string[];
    expect(command[0]).toBe('node');
    expect(existsSync(command[1].replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))).toBe(true);
  });

  it('give the drain its whole deadline before the kubelet kills the pod', async () => {
    const deployment = await read('deployment.yaml');
    const graceSeconds = Number(value(deployment, /terminationGracePeriodSeconds: (\d+)/));
    const preStopSeconds = Number(value(deployment, /command: \["sleep", "(\d+)"\]/));
    const shutdownMs = parseDuration(value(await read('configmap.yaml'), /SHUTDOWN_TIMEOUT: (\S+)/))!;
    expect(preStopSeconds * 1000 + shutdownMs).toBeLessThan(graceSeconds * 1000);
  });
});
