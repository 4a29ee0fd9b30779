import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors.js';
import { packageRoot } from '../common/package-root.js';

/** Where `npm run build` compiles client/ (client/tsconfig.json); inside dist/, so images ship it. */
const CLIENT_SCRIPT = join(packageRoot(), 'dist/client/pns-client.js');

@Injectable()
export class ClientAssetsService {
  private clientScript: Promise<string> | undefined;

  /** Read once: the file changes only with a build, and a build means a restart. */
  async script(): Promise<string> {
    this.clientScript ??= readFile(CLIENT_SCRIPT, 'utf8').catch((error: NodeJS.ErrnoException) => {
      this.clientScript = undefined;
      if (error.code === 'ENOENT') throw new NotFoundError('the browser client is not built: run `npm run build`');
      throw error;
    });
    return this.clientScript;
  }
}
