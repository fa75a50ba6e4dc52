/** Shared set-up for discovery tests: a local cloud + a fresh database, env wired before the first Azure credential use. */
import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { resetConfigForTests } from "@/lib/config";
import { systemCtx, type Ctx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { scanRuns, type ScanRun } from "@/lib/db/schema";
import type { Role } from "@/lib/auth/permissions";
import {
  claimNextQueuedScan,
  executeScan,
  requestScan,
  type ExecuteScanOptions,
  type ScanRequestInput,
} from "@/lib/discovery";
import { startCloud, type StartCloudOptions, type LocalCloud } from "../../cloud";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

export interface Env {
  cloud: LocalCloud;
  testDb: TestDb;
  logs: string[];
  stop: () => Promise<void>;
}

/** Captures everything pino writes to stdout/stderr (sonic-boom writes with fs.write/fs.writeSync on fd 1/2). */
function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const origSync = fs.writeSync;
  const origWrite = fs.write;
  const origStdout = process.stdout.write.bind(process.stdout);
  const grab = (fd: unknown, data: unknown) => {
    if ((fd === 1 || fd === 2) && (typeof data === "string" || Buffer.isBuffer(data))) lines.push(String(data));
  };
  (fs as { writeSync: unknown }).writeSync = (fd: number, data: unknown, ...rest: unknown[]) => {
    grab(fd, data);
    return (origSync as (...a: unknown[]) => number)(fd, data, ...rest);
  };
  (fs as { write: unknown }).write = (fd: number, data: unknown, ...rest: unknown[]) => {
    grab(fd, data);
    return (origWrite as (...a: unknown[]) => void)(fd, data, ...rest);
  };
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string" || Buffer.isBuffer(chunk)) lines.push(String(chunk));
    return (origStdout as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  return {
    lines,
    restore: () => {
      (fs as { writeSync: unknown }).writeSync = origSync;
      (fs as { write: unknown }).write = origWrite;
      process.stdout.write = origStdout as typeof process.stdout.write;
    },
  };
}

export async function setupDiscovery(opts: StartCloudOptions = {}, env: Record<string, string> = {}): Promise<Env> {
  const t0 = Date.now();
  const cloud = await startCloud({ estate: "tiny", throttling: false, ...opts });
  const cap = process.env.NO_CAPTURE ? { lines: [] as string[], restore: () => undefined } : captureLogs();
  const t1 = Date.now();
  // LOG_LEVEL=debug: the canary test also searches what discovery logs
  const testDb = await setupTestDb({ LOG_LEVEL: "debug", ...env });
  if (process.env.DISCOVERY_TEST_TIMING) console.error(`cloud start ${t1 - t0} ms, db setup ${Date.now() - t1} ms`);
  Object.assign(process.env, cloud.env);
  resetConfigForTests();
  await getDb();
  return {
    cloud,
    testDb,
    logs: cap.lines,
    stop: async () => {
      cap.restore();
      const t0 = Date.now();
      await testDb.cleanup();
      const t1 = Date.now();
      await cloud.stop();
      if (process.env.DISCOVERY_TEST_TIMING)
        console.error(`db cleanup ${t1 - t0} ms, cloud stop ${Date.now() - t1} ms`);
    },
  };
}

export function userCtx(role: Role, upn = `${role.split(".")[1].toLowerCase()}@contoso.test`): Ctx {
  return {
    actor: { type: "user", userId: randomUUID(), oid: randomUUID(), upn, name: upn, roles: [role] },
    request: { requestId: randomUUID(), ip: "127.0.0.1" },
  };
}

/** Fast retry policy for tests (faults must not cost seconds). */
export const TEST_RETRY = { baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 1500, maxRetryAfterMs: 5000, attempts: 6 };

/** The scan worker's context, as the scheduler hands it to the discovery verbs. */
export const workerCtx = (): Ctx => systemCtx("scan-worker");

/** request → claim → execute, as the scheduler does. */
export async function runScan(input: ScanRequestInput, opts: ExecuteScanOptions = {}) {
  const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input });
  const ctx = workerCtx();
  const claimed = await claimNextQueuedScan(ctx);
  if (claimed !== scanId) throw new Error(`claimed ${claimed}, expected ${scanId}`);
  return executeScan({ ctx, input: { scanId }, retry: TEST_RETRY, heartbeatMs: 200, ...opts });
}

/** A scan_runs row as stored, for the columns no read model shows (heartbeat). */
export async function scanRow(scanId: string): Promise<ScanRun | undefined> {
  const db = await getDb();
  return (await db.select().from(scanRuns).where(eq(scanRuns.id, scanId)).limit(1))[0];
}

/** Every text cell of every table in the public schema (and drizzle's), concatenated per row. */
export async function allDatabaseText(): Promise<string[]> {
  const db = await getDb();
  const tables = (await db.execute<{ table_schema: string; table_name: string }>(
    sql`select table_schema, table_name from information_schema.tables where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE'`,
  )) as unknown as { rows?: { table_schema: string; table_name: string }[] };
  const list = tables.rows ?? (tables as unknown as { table_schema: string; table_name: string }[]);
  const out: string[] = [];
  for (const t of list) {
    const r = (await db.execute(
      sql.raw(`select t::text as row from "${t.table_schema}"."${t.table_name}" t`),
    )) as unknown as { rows?: { row: string }[] };
    for (const x of r.rows ?? (r as unknown as { row: string }[])) out.push(`${t.table_name}: ${x.row}`);
  }
  return out;
}
