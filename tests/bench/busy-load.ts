/**
 * Other work on the machine, on purpose: N processes that each spin one core for the whole benchmark, so a bound is
 * judged on a busy machine as customers' small containers are (`--busy N` in the benches).
 */
import { spawn, type ChildProcess } from "node:child_process";

export function startBusyLoad(n: number): { stop: () => void } {
  const children: ChildProcess[] = Array.from({ length: n }, () =>
    spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore", env: { ...process.env, NODE_OPTIONS: "" } }),
  );
  const stop = () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  };
  process.on("exit", stop);
  return { stop };
}
