// The standalone entrypoint as a real process: serves /healthz, and exits 0 on SIGTERM after releasing its leases.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { isNotNull } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { schedulerJobs } from "@/lib/db/schema";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { sleep } from "./helpers";

const ROOT = path.resolve(__dirname, "../../..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

let t: TestDb | undefined;
let pgliteDir: string | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await sleep(200);
  }
  await t?.cleanup();
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

describe("npm run scheduler (lib/scheduler/main.ts)", () => {
  it("serves /healthz and exits 0 on SIGTERM, releasing its leases", async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      APP_ENV: "test",
      NODE_ENV: "test",
      SECRET_KEY: "test-secret-key-0123456789abcdef0123456789abcdef",
      LOG_LEVEL: "silent",
    };
    if (process.env.DATABASE_URL) {
      // A fresh database, created and migrated here; the child connects to it like another replica.
      t = await setupTestDb();
      env.DATABASE_URL = t.url!;
      delete env.PGLITE_DIR;
    } else {
      // PGlite is single-process: the child owns this folder alone.
      pgliteDir = mkdtempSync(path.join(tmpdir(), "cc-sched-main-"));
      delete env.DATABASE_URL;
      env.PGLITE_DIR = pgliteDir;
    }
    const port = await freePort();
    // SIGTERM must reach the node process that runs main.ts. Not through npx/npm, and not through the tsx CLI either:
    // the tsx CLI is itself a wrapper that runs a second node process and, when that child does not acknowledge a
    // relayed signal within 30 ms (easily missed on a loaded machine), SIGKILLs it and exits 143. `node --import tsx`
    // is one process — the way the scheduler should run in a container (see docs/scheduler.md).
    // detached: its own process group, so cleanup can kill whatever is left in one go.
    const proc = spawn(process.execPath, ["--import", "tsx", "lib/scheduler/main.ts", `--health-port=${port}`], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child = proc;
    let stderr = "";
    proc.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.once("exit", (code, signal) => resolve({ code, signal })),
    );

    let body: { ok: boolean; lastTickAt: string; jobs: { name: string }[] } | undefined;
    let last = "no response";
    const deadline = Date.now() + 60_000;
    while (!body) {
      if (proc.exitCode !== null) throw new Error(`scheduler exited early (${proc.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`no healthy /healthz within 60 s (last: ${last}): ${stderr}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (r.status === 200) body = await r.json();
        else last = `${r.status} ${await r.text()}`;
      } catch {
        // not listening yet
      }
      if (!body) await sleep(200);
    }
    expect(body.ok).toBe(true);
    expect(body.lastTickAt).toEqual(expect.any(String));
    expect(body.jobs.map((j) => j.name).sort()).toEqual(["scan-worker", "scheduled-scan", "session-cleanup"]);

    const t0 = Date.now();
    proc.kill("SIGTERM");
    const timeout = sleep(10_000).then(() => ({ code: -1 as number | null, signal: null as NodeJS.Signals | null }));
    const result = await Promise.race([exited, timeout]);
    expect(result, stderr).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(10_000);

    if (t) {
      const held = await (await getDb()).select().from(schedulerJobs).where(isNotNull(schedulerJobs.lockedBy));
      expect(held).toEqual([]);
    }
  }, 100_000);
});
