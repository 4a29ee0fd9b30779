import { defineConfig } from 'prisma/config';

// Prisma's CLI reports each command to checkpoint.prisma.io unless told not to; an air-gapped
// service must not phone home. Set here so every `npx prisma …` in this project is covered;
// an empty CHECKPOINT_DISABLE= in the environment opts back in.
process.env.CHECKPOINT_DISABLE ??= '1';

// The CLI (`npx prisma migrate deploy`) reads the URL from here; the server itself
// builds its own connection from the validated config in src/config.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
