// The pooled client the app's PostgreSQL handle uses: pg's promise form of query() answered through its callback
// form (lib/db/pg-callback-client.ts, a CPU fix measured in docs/benchmarks.md) must keep pg's contract.
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { CallbackClient } from "@/lib/db/pg-callback-client";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

describe.runIf(!!process.env.DATABASE_URL || !!process.env.TEST_DATABASE_URL)("CallbackClient (PostgreSQL)", () => {
  let t: TestDb;
  let client: CallbackClient;
  beforeAll(async () => {
    t = await setupTestDb();
    client = new CallbackClient({ connectionString: t.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await t?.cleanup();
  });

  it("answers the promise form with the result, parameters and all", async () => {
    const r = await client.query("select $1::int + 1 as n, $2::text as s", [41, "x"]);
    expect(r.rows).toEqual([{ n: 42, s: "x" }]);
    expect(r.rowCount).toBe(1);
  });

  it("rejects with PostgreSQL's error and stays usable", async () => {
    await expect(client.query("select * from no_such_table")).rejects.toMatchObject({ code: "42P01" });
    expect((await client.query({ text: "select 1 as one" })).rows).toEqual([{ one: 1 }]);
  });

  it("leaves the callback forms and submittables to pg", async () => {
    const viaCallback = await new Promise((resolve, reject) =>
      client.query("select 2 as two", (err: Error, res: pg.QueryResult) => (err ? reject(err) : resolve(res.rows))),
    );
    expect(viaCallback).toEqual([{ two: 2 }]);
    const rows: unknown[] = [];
    const q = new pg.Query("select generate_series(1, 3) as i");
    const returned = client.query(q);
    expect(returned).toBe(q);
    q.on("row", (row: unknown) => rows.push(row));
    await new Promise((resolve) => q.on("end", resolve));
    expect(rows).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
  });

  it("is the client of the app's pool, so a transaction's queries take it", async () => {
    const spy = vi.spyOn(CallbackClient.prototype, "query");
    const db = await getDb();
    const n = await db.transaction(async (tx) => {
      const r = (await tx.execute(sql`select 7 as n`)) as unknown as { rows: { n: number }[] };
      return r.rows[0].n;
    });
    expect(n).toBe(7);
    expect(spy.mock.calls.some(([config]) => /select 7 as n/.test(JSON.stringify(config)))).toBe(true);
    spy.mockRestore();
  });
});
