/**
 * The standalone scheduler (lib/scheduler/main.ts) as a real child process, for tests that stop it with signals.
 * SIGTERM/SIGKILL must reach the node process that runs main.ts: not through npx/npm, and not through the tsx CLI
 * either — the tsx CLI is itself a wrapper that runs a second node process and, when that child does not acknowledge a
 * relayed signal within 30 ms (easily missed on a loaded machine), SIGKILLs it and exits 143. `node --import tsx` is
 * one process — the way the scheduler should run in a container (see docs/scheduler.md).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "../../support/app-server";

const ROOT = path.resolve(__dirname, "../../..");

export type LogLine = Record<string, unknown> & { msg?: string };

export interface SchedulerChild {
  proc: ChildProcess;
  port: number;
  /** every JSON log line it wrote to stdout, parsed */
  lines: LogLine[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** resolves with the first log line (seen so far or later) that matches */
  waitForLog(match: (l: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** sends the signal and waits for the process to exit */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment every child needs besides its database and cloud: a test secret, and logs as JSON lines. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    APP_ENV: "test",
    NODE_ENV: "test",
    SECRET_KEY: "test-secret-key-0123456789abcdef0123456789abcdef",
    LOG_LEVEL: "info",
    ...extra,
  };
}

/**
 * `nodeArgs`: V8 flags, e.g. the container's `--max-old-space-size=200`. `bundle`: run the built `scheduler.js` in
 * that folder with plain node (as the image does) instead of the sources through tsx.
 */
export async function spawnScheduler(
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
  bundle?: string,
): Promise<SchedulerChild> {
  const port = await freePort();
  const entry = bundle ? ["scheduler.js"] : ["--import", "tsx", "lib/scheduler/main.ts"];
  const args = [...nodeArgs, ...entry, `--health-port=${port}`];
  // detached: its own process group, so a test can kill whatever is left in one go
  const proc = spawn(process.execPath, args, {
    cwd: bundle ?? ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let err = "";
  let partial = "";
  proc.stdout!.on("data", (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split("\n");
    partial = parts.pop()!;
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        lines.push({ msg: p });
      }
    }
    for (const w of waiters) w();
  });
  proc.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters) w();
    }),
  );
  const waitForLog = (match: (l: LogLine) => boolean, timeoutMs: number) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const hit = lines.find(match);
        if (hit) return done(() => resolve(hit));
        if (proc.exitCode !== null || proc.signalCode !== null)
          done(() => reject(new Error(`scheduler exited (${proc.exitCode ?? proc.signalCode}): ${err.slice(-2000)}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no matching log line within ${timeoutMs} ms: ${err.slice(-2000)}`))),
        timeoutMs,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      waiters.add(check);
      check();
    });
  return {
    proc,
    port,
    lines,
    stderr: () => err,
    exited,
    waitForLog,
    async stop(signal) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Last resort in afterAll: the whole process group, whatever state it is in. */
export function killGroup(child: SchedulerChild | undefined): void {
  if (!child?.proc.pid || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  try {
    process.kill(-child.proc.pid, "SIGKILL");
  } catch {
    // already gone
  }
}
