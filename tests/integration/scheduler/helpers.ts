import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { getDb, schema } from "@/lib/db/client";
import { schedulerJobs } from "@/lib/db/schema";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 5000,
  stepMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}

export async function jobRow(name: string, db?: Db) {
  const d = db ?? (await getDb());
  const [row] = await d.select().from(schedulerJobs).where(eq(schedulerJobs.name, name));
  return row;
}

/**
 * A second, independent connection to the same database for a second scheduler instance: its own pg Pool on
 * PostgreSQL (as another replica would have); on PGlite the same embedded database (one process).
 */
export async function secondDb(kind: "postgres" | "pglite"): Promise<{ db: Db; close: () => Promise<void> }> {
  if (kind === "pglite") return { db: await getDb(), close: async () => undefined };
  const { Pool } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  return { db: drizzle(pool, { schema }) as unknown as Db, close: () => pool.end() };
}
