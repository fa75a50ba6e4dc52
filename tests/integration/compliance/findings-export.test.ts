/**
 * The findings CSV export (console, Findings → Export): every finding the filters select, in the list's order
 * (severity, then rule, then object), however many there are — it used to stop silently at 100,000 rows.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportFindingsCsv } from "@/lib/compliance/export-findings";
import { getDb, type Db } from "@/lib/db/client";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { userCtx } from "../discovery/helpers";

let t: TestDb;
let db: Db;
const ROWS = 100_050;
const SEVERITIES = ["low", "critical", "medium", "high"];

beforeAll(async () => {
  t = await setupTestDb();
  db = await getDb();
  // open failures over four severities and a handful of rules, written in no particular order
  await db.execute(
    sql.raw(`insert into compliance_findings (rule_id, object_id, scope, severity, object_name, vault_id, vault_name,
      subscription_id, status, reason, first_seen_at, last_seen_at, updated_at)
    select 'KV-' || lpad((i % 7)::text, 3, '0'), 'obj-' || lpad(i::text, 6, '0'), 'secret',
      (array['${SEVERITIES.join("','")}'])[1 + i % 4], 'secret-' || i, null, null, null, 'fail', 'expired',
      now(), now(), now()
    from generate_series(1, ${ROWS}) as i`),
  );
}, 120_000);
afterAll(async () => t.cleanup());

describe("findings CSV export", () => {
  it("has every open finding, in severity, rule, object order", async () => {
    const lines: string[] = [];
    for await (const chunk of exportFindingsCsv({ ctx: userCtx("CertifyClouds.Viewer"), input: {} }))
      lines.push(...chunk.split("\r\n").filter(Boolean));
    const [header, ...rows] = lines;
    expect(header.split(",").slice(0, 2)).toEqual(["severity", "rule_id"]);
    expect(rows).toHaveLength(ROWS);
    const rank = (s: string) => ["critical", "high", "medium", "low"].indexOf(s);
    const keys = rows.map((r) => r.split(","));
    for (let i = 1; i < keys.length; i++) {
      const [a, b] = [keys[i - 1], keys[i]];
      const order = rank(a[0]) - rank(b[0]) || a[1].localeCompare(b[1]) || a.at(-1)!.localeCompare(b.at(-1)!);
      if (order >= 0) throw new Error(`row ${i} out of order: ${a.join(",")} then ${b.join(",")}`);
    }
  }, 180_000);
});
