import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { stopChild } from "../support/app-server";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Starts tests/support/stack-cli.ts (local cloud, local identity provider, the production build) in a child process —
 * NODE_EXTRA_CA_CERTS must be set before Node starts for the console to trust the local cloud — and resolves when it
 * serves. `stop()` ends it with SIGTERM.
 */
export async function spawnStack(
  options: Record<string, unknown>,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const caPath = spawnSync(process.execPath, [path.join(ROOT, "tests/cloud/ensure-ca.mjs")], {
    encoding: "utf8",
  }).stdout.trim();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "tests/support/stack-cli.ts")],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath, STACK_OPTIONS: JSON.stringify(options) },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error("the e2e stack did not start within 120 s")), 120_000);
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = buf.match(/STACK_READY (\{.*\})\n/);
      if (m) {
        clearTimeout(timer);
        resolve((JSON.parse(m[1]) as { url: string }).url);
      }
    });
    child.once("exit", (code) => reject(new Error(`the e2e stack exited during start-up (code ${code})`)));
  });
  child.stdout!.resume();
  return {
    url,
    stop: () => stopChild(child, 10_000),
  };
}
