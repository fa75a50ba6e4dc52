/**
 * Builds (when needed) and starts the production server (Next.js standalone output) with a given
 * environment. Used by `npm run demo` and the Playwright suite: both exercise the build customers run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const STANDALONE = path.join(ROOT, ".next/standalone");

/**
 * Runs `npm run build` — the build users run, which leaves a complete standalone folder — unless the last build is
 * newer than the sources and complete.
 */
export function ensureBuild({ force = false } = {}): void {
  const server = path.join(STANDALONE, "server.js");
  if (!force && existsSync(server) && !sourcesNewerThan(statSync(server).mtimeMs) && standaloneIsComplete()) return;
  console.log("Building the console (npm run build)…");
  const r = spawnSync("npm", ["run", "build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error("npm run build failed");
}

/** A bare `next build` leaves server.js without its assets; only `npm run build` completes the folder. */
function standaloneIsComplete(): boolean {
  const check = spawnSync(process.execPath, [path.join(ROOT, "infra/build/complete-standalone.mjs"), "--check"]);
  return check.status === 0;
}

function sourcesNewerThan(ms: number): boolean {
  const dirs = ["app", "lib", "drizzle", "public", "infra/build"].map((d) => path.join(ROOT, d));
  const files = ["next.config.ts", "proxy.ts", "instrumentation.ts", "package.json", "package-lock.json"].map((f) =>
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

/**
 * `node` runs the standalone server directly (one process to signal); `npm-start` runs `npm start` exactly as a user
 * does, in its own process group so that stopping it reaches the server behind npm and its shell.
 */
export type Launch = "node" | "npm-start";

/**
 * The V8 flags the server runs with in the image and under npm start: none. A 32 MB semi-space cut a third of the CPU
 * per page but cost ~100–190 MB RSS during scans (bench:memory peak 746 MB against the 600 MB bound); see benchmarks.
 */
export const SERVER_NODE_FLAGS: string[] = [];

export async function startApp(
  env: Record<string, string>,
  {
    port,
    quiet = false,
    nodeArgs = [],
    launch = "node",
    signal,
  }: { port: number; quiet?: boolean; nodeArgs?: string[]; launch?: Launch; signal?: AbortSignal },
): Promise<AppServer> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    ...env,
  };
  const stdio: ["ignore", "ignore" | "inherit", "inherit"] = ["ignore", quiet ? "ignore" : "inherit", "inherit"];
  const child =
    launch === "npm-start"
      ? spawn("npm", ["start", "--silent"], { cwd: ROOT, env: childEnv, stdio, detached: true })
      : spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, path.join(STANDALONE, "server.js")], {
          cwd: STANDALONE,
          env: childEnv,
          stdio,
        });
  const stop = () => stopChild(child, 5000, { group: launch === "npm-start" });
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the console exited during start-up (${child.exitCode ?? child.signalCode})`);
    if (signal?.aborted) {
      await stop();
      throw new Error("start-up cancelled");
    }
    try {
      const r = await fetch(`${url}/api/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error("the console did not become ready within 60 s");
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, process: child, stop };
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. With `group`, the signals go to the
 * child's whole process group (it must have been spawned `detached`) and the wait covers every member of it.
 */
export function stopChild(child: ChildProcess, graceMs: number, { group = false } = {}): Promise<void> {
  const send = (signal: NodeJS.Signals) => {
    try {
      if (group && child.pid) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
  });
  send("SIGTERM");
  const killer = setTimeout(() => send("SIGKILL"), graceMs);
  killer.unref();
  return exited
    .then(() => (group && child.pid ? groupGone(child.pid, graceMs + 1000) : undefined))
    .finally(() => clearTimeout(killer));
}

/** Resolves once no process is left in the group (or after `ms`, having sent SIGKILL to what is left). */
async function groupGone(pgid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The ports the kernel hands out for listen(0) and outgoing connections (Linux; IANA's range elsewhere). */
function ephemeralPorts(): [low: number, high: number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch {
    /* not Linux */
  }
  return [49152, 65535];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/**
 * A port that is free now, for something that binds it a little later. Not one from listen(0): that is an ephemeral
 * port, and in the gap before the server binds it anything else may be given it — the demo's own local cloud and
 * identity provider bind ephemeral ports in that gap (CI, 2026-12-03: the console failed with EADDRINUSE). Chosen
 * below the ephemeral range instead, where only an explicit bind can take it.
 */
export async function freePort(): Promise<number> {
  const [low, high] = ephemeralPorts();
  // below the range, or above it when it starts too low to leave room
  const [from, to] = low > 11_000 ? [10_000, low] : [high + 1, 65_536];
  for (let tries = 0; tries < 100; tries++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (await canListen(port)) return port;
  }
  throw new Error("no free port outside the ephemeral range");
}
