import { migrationsDirectory } from './common/package-root.js';
import { ConfigError, loadConfig } from './config/config.schema.js';
import { redactCredentials } from './config/redact.js';
import { applyMigrations } from './database/migrator.js';

/**
 * `node dist/migrate.js` (`npm run migrate` in the image): applies the pending migrations of
 * prisma/migrations to DATABASE_URL and exits, for a deploy step run before servers that start
 * with MIGRATE_ON_START=false (docs/operations.md). The server's own migrator and lock, so it
 * is safe beside servers that migrate themselves, and needs no Prisma CLI.
 */
async function main(): Promise<number> {
  let databaseUrl: string | undefined;
  try {
    // It serves no API, so a deploy job running it is not handed the app token.
    databaseUrl = loadConfig({ ...process.env, APP_TOKEN: 'unused by migrate' }).databaseUrl;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`migrate: ${error.message}\n`);
    return 1;
  }
  if (databaseUrl === undefined) {
    process.stderr.write('migrate: DATABASE_URL is required (the embedded database migrates itself at start)\n');
    return 1;
  }
  const applied = await applyMigrations(databaseUrl, migrationsDirectory());
  process.stdout.write(`migrate: ${applied.length === 0 ? 'nothing to apply' : `applied ${applied.join(', ')}`}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`migrate: failed: ${redactCredentials(error instanceof Error ? error.message : String(error))}\n`);
    process.exit(1);
  },
);
