import http from "node:http";
import type { AddressInfo } from "node:net";
import type { SchedulerStatus } from "./types";

export const DEFAULT_HEALTH_PORT = 8081;

export interface HealthServer {
  server: http.Server;
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * GET /healthz → 200 {"ok":true,...} while the loop has ticked within 2 × tickMs, else 503 (also while stopping).
 * The body carries the last tick time and each job's last status; no internals beyond job errors.
 */
export function createHealthHandler(getStatus: () => SchedulerStatus): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/healthz" && url.pathname !== "/") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res
        .writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" })
        .end('{"error":"method not allowed"}');
      return;
    }
    const s = getStatus();
    const body = JSON.stringify({
      ok: s.healthy,
      instanceId: s.instanceId,
      stopping: s.stopping,
      tickMs: s.tickMs,
      lastTickAt: s.lastTickAt,
      lastTickError: s.lastTickError,
      jobs: s.jobs.map((j) => ({
        name: j.name,
        scope: j.scope,
        enabled: j.enabled,
        running: j.runningHere || !!j.lockedBy,
        lockedBy: j.lockedBy,
        nextRunAt: j.nextRunAt,
        lastStartedAt: j.lastStartedAt,
        lastFinishedAt: j.lastFinishedAt,
        lastStatus: j.lastStatus,
        lastError: j.lastError,
      })),
    });
    res.writeHead(s.healthy ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}

/** Starts the /healthz server on `port` (0 = any free port). */
export async function startHealthServer(
  port: number,
  getStatus: () => SchedulerStatus,
  host?: string,
): Promise<HealthServer> {
  const server = http.createServer(createHealthHandler(getStatus));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
