// Next.js bundles lib/db/client into several server bundles, each with its own module instance; they must share one
// database handle (two embedded PGlite instances on one folder corrupt it).
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(async () => {
  await t?.cleanup();
});

test("two module instances of lib/db/client share one handle, and closeDb from either closes it", async () => {
  const first = await import("@/lib/db/client");
  vi.resetModules();
  const second = await import("@/lib/db/client");
  expect(second).not.toBe(first); // really two module instances
  const [a, b] = await Promise.all([first.getDbHandle(), second.getDbHandle()]);
  expect(b).toBe(a);
  const db = await second.getDb();
  const rows = (await db.execute("select 1 as one" as never)) as unknown as { rows: { one: number }[] };
  expect(rows.rows[0].one).toBe(1);
  await second.closeDb();
  const reopened = await first.getDbHandle();
  expect(reopened).not.toBe(a);
});
