import { defineConfig } from 'prisma/config';

// The CLI (`npx prisma migrate deploy`) reads the URL from here; the server itself
// builds its own connection from the validated config in src/config.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
