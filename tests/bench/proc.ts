/** A process's figures from /proc (Linux), for the benchmarks that judge the server they started. */
import { readFileSync } from "node:fs";

/** CPU time (user + system) a process has used so far, in ms. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[11], fields[12] are utime and stime (the 14th and 15th of the whole line) in clock ticks of 1/100 s
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident set size in MB. */
export function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
}
