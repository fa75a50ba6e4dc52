// Runs this process as a small container would: a CPU quota (Azure Container Apps' 0.5 vCPU is a CFS quota of half a
// core) and pinned to one core, through a cgroup of its own. cgroup v2 (`cpu.max`, `cpuset.cpus`) where the machine
// has it, else cgroup v1 (`cpu.cfs_quota_us`, cpuset). Processes started before the call (the local cloud, busy
// loads) stay outside it; PostgreSQL is a server of its own, as a customer's is. Needs write access to the cgroup
// filesystem (root on this machine); otherwise it says why and the caller falls back to a projection.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const PERIOD_US = 100_000;

export type CpuLimit = { ok: true; how: string; release(): void } | { ok: false; why: string };

const read = (f: string) => readFileSync(f, "utf8").trim();

function joinV2(cpus: number, core: number, name: string): CpuLimit {
  const root = "/sys/fs/cgroup";
  if (!existsSync(path.join(root, "cgroup.controllers"))) return { ok: false, why: "no cgroup v2 hierarchy" };
  const available = read(path.join(root, "cgroup.controllers")).split(/\s+/);
  if (!available.includes("cpu")) return { ok: false, why: "cgroup v2 has no cpu controller" };
  writeFileSync(path.join(root, "cgroup.subtree_control"), available.includes("cpuset") ? "+cpu +cpuset" : "+cpu");
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "cpu.max"), `${Math.round(cpus * PERIOD_US)} ${PERIOD_US}`);
  const pinned = available.includes("cpuset");
  if (pinned) writeFileSync(path.join(dir, "cpuset.cpus"), String(core));
  writeFileSync(path.join(dir, "cgroup.procs"), String(process.pid));
  return {
    ok: true,
    how: `cgroup v2 cpu.max ${Math.round(cpus * PERIOD_US)}/${PERIOD_US} µs${pinned ? `, pinned to CPU ${core}` : ""}`,
    release() {
      writeFileSync(path.join(root, "cgroup.procs"), String(process.pid));
      rmdirSync(dir);
    },
  };
}

function joinV1(cpus: number, core: number, name: string): CpuLimit {
  const cpuRoot = "/sys/fs/cgroup/cpu";
  if (!existsSync(path.join(cpuRoot, "cpu.cfs_quota_us"))) return { ok: false, why: "no cgroup v1 cpu controller" };
  const cpuDir = path.join(cpuRoot, name);
  mkdirSync(cpuDir, { recursive: true });
  writeFileSync(path.join(cpuDir, "cpu.cfs_period_us"), String(PERIOD_US));
  writeFileSync(path.join(cpuDir, "cpu.cfs_quota_us"), String(Math.round(cpus * PERIOD_US)));
  writeFileSync(path.join(cpuDir, "cgroup.procs"), String(process.pid));
  const setRoot = "/sys/fs/cgroup/cpuset";
  let setDir: string | undefined;
  if (existsSync(path.join(setRoot, "cpuset.cpus"))) {
    setDir = path.join(setRoot, name);
    mkdirSync(setDir, { recursive: true });
    // a v1 cpuset takes no task before it has memory nodes
    writeFileSync(path.join(setDir, "cpuset.mems"), read(path.join(setRoot, "cpuset.mems")));
    writeFileSync(path.join(setDir, "cpuset.cpus"), String(core));
    writeFileSync(path.join(setDir, "cgroup.procs"), String(process.pid));
  }
  return {
    ok: true,
    how: `cgroup v1 CFS quota ${Math.round(cpus * PERIOD_US)}/${PERIOD_US} µs${setDir ? `, pinned to CPU ${core}` : ""}`,
    release() {
      writeFileSync(path.join(cpuRoot, "cgroup.procs"), String(process.pid));
      rmdirSync(cpuDir);
      if (setDir) {
        writeFileSync(path.join(setRoot, "cgroup.procs"), String(process.pid));
        rmdirSync(setDir);
      }
    },
  };
}

/** Limits this process (all its threads) to `cpus` of a core, pinned to core `core`. */
export function limitCpu(cpus: number, core: number): CpuLimit {
  const name = `certifyclouds-bench-${process.pid}`;
  const reasons: string[] = [];
  for (const join of [joinV2, joinV1]) {
    try {
      const r = join(cpus, core, name);
      if (r.ok) return r;
      reasons.push(r.why);
    } catch (e) {
      reasons.push((e as Error).message);
    }
  }
  return { ok: false, why: reasons.join("; ") };
}
