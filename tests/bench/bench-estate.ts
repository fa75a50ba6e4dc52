/**
 * A benchmark's world on PostgreSQL: a new database (dropped afterwards unless kept), migrated with the app's own code,
 * the synthetic estate seeded into it (seed-estate.ts) and a signed-in Viewer session. Shared by bench:ui and
 * bench:export. DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) is the admin URL.
 */
import pg from "pg";
import { seedEstate, type EstateSize } from "./seed-estate";
import { benchAppEnv, createBenchDatabase, prepareBenchDatabase } from "./support";

export interface BenchEstate {
  databaseUrl: string;
  /** The server's environment for this database. */
  env: Record<string, string>;
  /** The Cookie header of a Viewer's session. */
  cookie: string;
  assets: number;
  seedSeconds: number;
  drop(): Promise<void>;
}

export async function createBenchEstate(name: string, size: EstateSize, appUrl: string): Promise<BenchEstate> {
  const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const database = await createBenchDatabase(adminUrl, `cc_bench_${name}`);
  const env = benchAppEnv(appUrl, database.url);
  let assets = 0;
  let seedSeconds = 0;
  try {
    const cookie = await prepareBenchDatabase(env, "CertifyClouds.Viewer", async (url) => {
      const t0 = Date.now();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await seedEstate((q) => c.query(q), size);
      assets = (await c.query("select count(*)::int as n from assets")).rows[0].n;
      await c.end();
      seedSeconds = (Date.now() - t0) / 1000;
    });
    return { databaseUrl: database.url, env, cookie, assets, seedSeconds, drop: database.drop };
  } catch (err) {
    await database.drop();
    throw err;
  }
}
