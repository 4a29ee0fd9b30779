# syntax=docker/dockerfile:1
# Build: install everything, compile the server and the browser client, generate the Prisma
# client; then assemble the runtime layout in /runtime (deploy/docker/assemble-runtime.sh: only
# production dependencies, no Prisma CLI, no embedded PostgreSQL, no build step at start).
FROM node:24-bookworm-slim AS build
# No telemetry from Prisma's CLI or Scarf's install script (docs/operations.md).
ENV CHECKPOINT_DISABLE=1 SCARF_ANALYTICS=false
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && sh deploy/docker/assemble-runtime.sh /src /runtime

# Run: non-root, and the files it runs are not its own to change. Needs DATABASE_URL.
FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build /runtime /app
USER node
EXPOSE 3000
# Liveness, not readiness: a database outage must not get a serving container restarted.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
