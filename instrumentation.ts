import type { Instrumentation } from "next";

/** Next.js start-up hook: validate configuration, open (and migrate) the database, and start the in-process scheduler when asked. */
export async function register() {
  // NEXT_RUNTIME is set by Next.js itself to tell the Node.js server from the edge runtime.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("./lib/config");
  const cfg = getConfig();
  const { logger } = await import("./lib/log");
  const log = logger("startup");
  (await import("./lib/web/heap-policy")).applyHeapGrowingPercent(cfg.heapGrowingPercent);
  (await import("./lib/web/request-gate")).installRequestGate();
  if (cfg.secretKeySource === "generated-dev-key")
    log.warn("SECRET_KEY is not set: using a generated development key from .data/dev-secret-key");
  const { getDbHandle } = await import("./lib/db/client");
  const h = await getDbHandle();
  // `npm run demo` passes its mail catcher's port: a channel and rules to it, before the first scan (demo only)
  const demoSmtp = cfg.demo.mailboxSmtpPort;
  if (demoSmtp) {
    const { seedDemoAlerts } = await import("./lib/alerts/demo-seed");
    const { systemCtx } = await import("./lib/context");
    if (await seedDemoAlerts(systemCtx("demo-seed"), demoSmtp).catch(() => false))
      log.info("demo alert channel and rules created");
  }
  if (cfg.schedulerInProcess) {
    // One scheduler per process, even if Next re-runs register() (dev reloads).
    const g = globalThis as { __ccScheduler?: unknown };
    if (!g.__ccScheduler) {
      const { startInProcessScheduler } = await import("./lib/scheduler/in-process");
      const scheduler = startInProcessScheduler(h.kind);
      g.__ccScheduler = scheduler;
      const stop = () => void scheduler.stop().finally(() => process.exit(0));
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
      log.info({ instanceId: scheduler.instanceId }, "scheduler running in-process");
    }
  }
  log.info({ database: h.kind, env: cfg.env }, "CertifyClouds ready");
}

/** Errors that escaped every wrapper get a log line with the request id (lib/web/request-error.ts). */
export const onRequestError: Instrumentation.onRequestError = async (...args) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  (await import("./lib/web/request-error")).logRequestError(...args);
};
