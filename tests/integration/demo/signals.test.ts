/**
 * `npm run demo` stopped the way a container runtime or a script stops it — one signal to the process it started —
 * must stop everything it started: the console (which holds the port and the embedded database), the local cloud and
 * the identity provider. The demo runs in its own process group so the test can tell what is left of it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { ensureBuild, freePort } from "../../support/app-server";

const ROOT = path.resolve(__dirname, "../../..");

let demo: ChildProcess | undefined;
let dataDir: string | undefined;

beforeAll(() => ensureBuild(), 600_000);

afterEach(() => {
  // Whatever the outcome, leave nothing of this demo behind.
  if (demo?.pid && groupMembers(demo.pid).length) process.kill(-demo.pid, "SIGKILL");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  demo = dataDir = undefined;
});

/** The processes in group `pgid`, as "pid command" (ps lists every process with its group). */
function groupMembers(pgid: number): string[] {
  return spawnSync("ps", ["-eo", "pid=,pgid=,args="], { encoding: "utf8" })
    .stdout.split("\n")
    .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && Number(m[2]) === pgid)
    .map((m) => `${m[1]} ${m[3].slice(0, 100)}`);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

async function waitUntil(what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(["SIGTERM", "SIGINT"] as const)("npm run demo, stopped with %s", (signal) => {
  test("stops the console, the local cloud and the identity provider, frees the port and exits", async () => {
    const port = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), "cc-demo-"));
    const child = spawn(
      "npm",
      [
        "run",
        "--silent",
        "demo",
        "--",
        "--estate",
        "tiny",
        "--port",
        String(port),
        "--idp-port",
        "0",
        "--data",
        dataDir,
      ],
      { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: "warn" } },
    );
    demo = child;
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    await waitUntil("the demo serves", 90_000, () => {
      if (child.exitCode !== null) throw new Error(`the demo exited during start-up:\n${output}`);
      return output.includes("CertifyClouds is running");
    });
    expect((await fetch(`http://127.0.0.1:${port}/api/readyz`)).status).toBe(200);
    expect(groupMembers(child.pid!).length).toBeGreaterThan(1);

    // Only the process the caller started gets the signal, as with `docker stop` or `kill <pid>`.
    process.kill(child.pid!, signal);
    const code = await Promise.race([exit, new Promise((r) => setTimeout(() => r("still running"), 20_000))]);
    await waitUntil("no process of the demo is left", 5_000, () => groupMembers(child.pid!).length === 0).catch(
      () => undefined, // the assertion below names what is left
    );
    expect(groupMembers(child.pid!), "processes left behind").toEqual([]);
    expect(await portIsFree(port), `port ${port} is free`).toBe(true);
    expect(code, output).toBe(0);
  }, 150_000);
});
