/**
 * Standalone scheduler: `npm run scheduler` (tsx lib/scheduler/main.ts) in development; in a container run
 * `node --import tsx lib/scheduler/main.ts` so SIGTERM reaches this process directly (see docs/scheduler.md).
 * Serves /healthz, runs the product jobs, and on SIGTERM/SIGINT stops claiming, aborts running jobs, waits up to
 * the grace period, releases its leases, closes the database and exits 0.
 *
 * Health port: `--health-port=<n>` on the command line, else SCHEDULER_HEALTH_PORT (default 8081).
 */
import { getConfig } from "../config";
import { closeDb, getDbHandle } from "../db/client";
import { logger } from "../log";
import { startHealthServer } from "./health";
import { startScheduler } from "./scheduler";

const GRACE_MS = 10_000;

function healthPortFromArgs(argv: string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = a.startsWith("--health-port=")
      ? a.slice("--health-port=".length)
      : a === "--health-port"
        ? argv[i + 1]
        : undefined;
    if (v !== undefined) {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535)
        throw new Error(`--health-port must be an integer port, got "${v}"`);
      return n;
    }
  }
  return undefined;
}

async function main(opts: { healthPort?: number } = {}): Promise<void> {
  const cfg = getConfig();
  const log = logger("scheduler.main");
  const healthPort = opts.healthPort ?? healthPortFromArgs(process.argv.slice(2)) ?? cfg.scheduler.healthPort;
  const h = await getDbHandle();

  const scheduler = startScheduler({ graceMs: GRACE_MS });
  const health = await startHealthServer(healthPort, () => scheduler.status());
  log.info(
    { database: h.kind, env: cfg.env, healthPort: health.port, instanceId: scheduler.instanceId },
    "scheduler running",
  );

  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, "shutting down");
    // Last resort if something hangs past the grace period.
    setTimeout(() => {
      log.error("shutdown did not complete in time; exiting");
      process.exit(1);
    }, GRACE_MS + 5_000).unref();
    try {
      await scheduler.stop();
      await health.close();
      await closeDb();
      process.exit(0);
    } catch (e) {
      log.error({ err: (e as Error).message }, "error during shutdown");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((e) => {
  // The logger may not be usable if configuration itself failed.
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
