/**
 * `npm run demo`: the local cloud with the `demo` estate, the local identity provider and the console on the
 * embedded database with the scheduler in-process — CertifyClouds without an Azure tenant.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import type { EstateName } from "../cloud";
import { PERSONAS } from "../idp/personas";
import { ensureBuild } from "../support/app-server";
import { startStack, type Stack } from "../support/stack";
import { startMailCatcher } from "./mail-catcher";

const ROOT = path.resolve(__dirname, "../..");

function persistentSecretKey(dataDir: string): string {
  const file = path.join(dataDir, "secret-key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32).toString("base64");
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

/** Longest a stop may take before the demo gives up waiting and exits anyway (children get SIGKILL after 5 s). */
const STOP_DEADLINE_MS = 15_000;

async function main() {
  const { values } = parseArgs({
    options: {
      estate: { type: "string", default: "demo" },
      port: { type: "string", default: "3000" },
      "idp-port": { type: "string", default: "4011" },
      "smtp-port": { type: "string", default: "2525" },
      "mailbox-port": { type: "string", default: "8025" },
      latency: { type: "string", default: "0" },
      rebuild: { type: "boolean", default: false },
      data: { type: "string", default: path.join(ROOT, ".data/demo") },
    },
  });
  const port = Number(values.port);
  const dataDir = path.resolve(values.data);

  // Handlers first: a signal during start-up must also stop what has started so far (startStack cleans up on abort).
  const startup = new AbortController();
  let stack: Stack | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    startup.abort();
    if (!stack) return; // main() sees the abort and exits once start-up has unwound
    console.log("\nStopping…");
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    await stack.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  mkdirSync(dataDir, { recursive: true });
  console.log(`Starting the local cloud (${values.estate} estate), the identity provider and the console…`);
  ensureBuild({ force: values.rebuild });
  const mailbox = await startMailCatcher({
    smtpPort: Number(values["smtp-port"]),
    webPort: Number(values["mailbox-port"]),
  });
  try {
    stack = await startStack({
      port,
      idpPort: Number(values["idp-port"]),
      build: false,
      signal: startup.signal,
      cloud: {
        estate: values.estate as EstateName,
        latency: { fixedMs: Number(values.latency), jitterMs: 0 },
        rotationDemo: true,
      },
      env: {
        APP_ENV: "demo",
        SECRET_KEY: persistentSecretKey(dataDir),
        // The demo runs on the embedded database even when the shell has a DATABASE_URL (empty = unset).
        DATABASE_URL: "",
        PGLITE_DIR: path.join(dataDir, "pglite"),
        LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
        // Alert channels may reach receivers on this machine (the mailbox below, a local webhook receiver).
        ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32,localhost",
        // the console creates a "Demo mailbox" email channel and two rules to it on first start
        DEMO_MAILBOX_SMTP_PORT: String(mailbox.smtpPort),
      },
    });
  } catch (err) {
    if (stopping) process.exit(0);
    throw err;
  }
  const running = stack;
  running.app.process.on("exit", (code) => {
    if (stopping) return;
    console.error(`The console exited unexpectedly (code ${code}).`);
    void stop(1);
  });
  const line = "─".repeat(72);
  console.log(`\n${line}\n  CertifyClouds is running: ${running.app.url}\n${line}`);
  console.log("  Sign in with the local identity provider as one of these personas:\n");
  for (const p of PERSONAS) {
    const via = p.roles[0] ?? (p.groups?.length ? "group → Operator" : "(no app role)");
    console.log(`   • ${p.name.padEnd(18)} ${via.padEnd(24)} ${p.upn}`);
  }
  console.log(
    `\n  Demo mailbox: ${mailbox.url}  (the "Demo mailbox" alert channel sends there: SMTP 127.0.0.1:${mailbox.smtpPort})`,
  );
  console.log(`\n  Local cloud control API: ${running.env.LOCAL_CLOUD_CONTROL_URL ?? "n/a"}`);
  console.log(`  Data: ${dataDir} (delete it to start over)\n  Press Ctrl+C to stop.\n`);
}

main().catch((err) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
