# CertifyClouds: one image, two roles. Not built in this repository's CI (no Docker engine there).
#   web console (default):  node server.js     — with the scheduler in-process (SCHEDULER_IN_PROCESS=true, the default here)
#   standalone scheduler:   node scheduler.js  — plain JavaScript built by `npm run build` (infra/build/scheduler-bundle.mjs)
#
# Sizing (Azure Container Apps; measured with `npm run bench:memory`, docs/benchmarks.md):
#   up to ~100k objects: ONE app, 0.5 vCPU / 1 GiB, in-process scheduler on PostgreSQL. Each scan runs in a worker
#     thread with a 200 MB heap cap; the whole process peaked below 600 MB on a 90.9k-object estate.
#   beyond ~100k objects, several web replicas, or scans that must not share the console's CPU: web app with
#     SCHEDULER_IN_PROCESS=false, plus the scheduler from this same image as a second app (min = max replicas 1,
#     command `node scheduler.js`, liveness probe GET :8081/healthz, 0.5 vCPU / 1 GiB) — or as a Container Apps job
#     on a schedule. Raise its heap with NODE_OPTIONS=--max-old-space-size=… only if it reports heap exhaustion.
#   PGlite (no DATABASE_URL): single replica, in-process only, and scans share the console's heap — small estates.
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
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=8080 HOSTNAME=0.0.0.0 SCHEDULER_IN_PROCESS=true
# Few glibc malloc arenas: memory a finished scan thread freed is reused by the next one instead of growing RSS (ADR 0006).
ENV MALLOC_ARENA_MAX=2
# `npm run build` leaves a complete standalone folder (server, traced node_modules, static assets, public files,
# migrations, scheduler.js and scan-worker.js: infra/build/complete-standalone.mjs), the same one `npm start` and the demo run.
COPY --from=build --chown=node:node /app/.next/standalone ./
USER node
EXPOSE 8080
# Either role: the console answers on 8080, the standalone scheduler on its health port (8081).
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "const ok=(u)=>fetch(u).then(r=>r.ok,()=>false);Promise.all([ok('http://127.0.0.1:8080/api/healthz'),ok('http://127.0.0.1:8081/healthz')]).then(a=>process.exit(a.some(Boolean)?0:1))"
# The scheduler role: override the command with ["node", "scheduler.js"] (node is PID 1 and gets SIGTERM itself).
CMD ["node", "server.js"]
