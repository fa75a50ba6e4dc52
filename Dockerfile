# CertifyClouds: one image, web console + scheduler. Not built in this repository's CI (no Docker engine there).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS run
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=8080 HOSTNAME=0.0.0.0
# A larger young generation: a page render allocates a few MB of short-lived objects, and with V8's default 16 MB
# semi-space the scavenger ran several times per request (a third less server CPU per console page measured with
# npm run bench:ui; ~50 MB more RSS at most). npm start and the benches use the same flag.
ENV NODE_OPTIONS=--max-semi-space-size=32
# `npm run build` leaves a complete standalone folder (server, traced node_modules, static assets, public files and
# migrations: infra/build/complete-standalone.mjs), the same one `npm start` and the demo run.
COPY --from=build --chown=node:node /app/.next/standalone ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:8080/api/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Set SCHEDULER_IN_PROCESS=true to run the scheduler inside this process (single-container installs).
CMD ["node", "server.js"]
