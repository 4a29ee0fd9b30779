import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startServerProcess, stopServerProcesses } from './support/server-process';

// Only root runs the server as the user "postgres" (PostgreSQL refuses root); CI runs as root.
const asRoot = process.getuid?.() === 0;

describe('the embedded database when pns runs as root', () => {
  let privateFolder: string;

  beforeEach(async () => {
    // mkdtemp makes it mode 700: only root may enter, as with /root or a private temp folder.
    privateFolder = await mkdtemp(join(tmpdir(), 'pns-private-'));
  });
  afterEach(async () => {
    await stopServerProcesses();
    await rm(privateFolder, { recursive: true, force: true });
  });

  (asRoot ? it : it.skip)('with DATA_DIR in a folder the postgres user cannot enter: stops at once, naming the folder and the ways out', async () => {
    const dataDir = join(privateFolder, 'data');
    const start = startServerProcess({ DATA_DIR: dataDir });
    await expect(start).rejects.toThrow(`cannot reach DATA_DIR (${dataDir})`);
    const output = await start.catch((error: Error) => error.message);
    expect(output).toContain(`which cannot enter ${privateFolder} (mode 700)`);
    expect(output).toContain('set DATA_DIR to a folder that user can reach');
    expect(output).toContain(`setfacl -m u:postgres:x ${privateFolder}`);
    expect(output).not.toContain('initdb');
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(false);
  });

  (asRoot ? it : it.skip)('with passage through that folder granted (mode 711, still unlistable): starts', async () => {
    await chmod(privateFolder, 0o711);
    const server = await startServerProcess({ DATA_DIR: join(privateFolder, 'data') });
    await request(server.baseUrl).get('/health/ready').expect(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
