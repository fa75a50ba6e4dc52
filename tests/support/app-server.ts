/**
 * Builds (when needed) and starts the production server (Next.js standalone output) with a given
 * environment. Used by `npm run demo` and the Playwright suite: both exercise the build customers run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const STANDALONE = path.join(ROOT, ".next/standalone");

export function ensureBuild({ force = false } = {}): void {
  const server = path.join(STANDALONE, "server.js");
  if (!force && existsSync(server) && !sourcesNewerThan(statSync(server).mtimeMs)) return;
  console.log("Building the console (next build)…");
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error("next build failed");
  // Standalone output leaves static assets, public files and migrations to the deployer (the Dockerfile does the same).
  cpSync(path.join(ROOT, ".next/static"), path.join(STANDALONE, ".next/static"), { recursive: true });
  if (existsSync(path.join(ROOT, "public")))
    cpSync(path.join(ROOT, "public"), path.join(STANDALONE, "public"), { recursive: true });
  rmSync(path.join(STANDALONE, "drizzle"), { recursive: true, force: true });
  cpSync(path.join(ROOT, "drizzle"), path.join(STANDALONE, "drizzle"), { recursive: true });
}

function sourcesNewerThan(ms: number): boolean {
  const dirs = ["app", "lib", "drizzle"].map((d) => path.join(ROOT, d));
  const files = ["next.config.ts", "proxy.ts", "instrumentation.ts", "package-lock.json"].map((f) =>
    path.join(ROOT, f),
  );
  const stack = [...dirs];
  for (const f of files) if (existsSync(f) && statSync(f).mtimeMs > ms) return true;
  while (stack.length) {
    const d = stack.pop()!;
    if (!existsSync(d)) continue;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (statSync(p).mtimeMs > ms) return true;
    }
  }
  return false;
}

export interface AppServer {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export async function startApp(
  env: Record<string, string>,
  { port, quiet = false, nodeArgs = [] }: { port: number; quiet?: boolean; nodeArgs?: string[] },
): Promise<AppServer> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(STANDALONE, "server.js")], {
    cwd: STANDALONE,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      ...env,
    },
    stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
  });
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the console exited during start-up (code ${child.exitCode})`);
    try {
      const r = await fetch(`${url}/api/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error("the console did not become ready within 60 s");
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    process: child,
    stop: () => stopChild(child, 5000),
  };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), graceMs).unref();
  });
}
