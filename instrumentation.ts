/** Next.js start-up hook: validate configuration and open (and migrate) the database before serving. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("./lib/config");
  const cfg = getConfig();
  const { logger } = await import("./lib/log");
  const log = logger("startup");
  if (cfg.secretKeySource === "generated-dev-key") log.warn("SECRET_KEY is not set: using a generated development key from .data/dev-secret-key");
  const { getDbHandle } = await import("./lib/db/client");
  const h = await getDbHandle();
  log.info({ database: h.kind, env: cfg.env }, "CertifyClouds ready");
}
