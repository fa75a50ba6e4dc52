import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { resetLoggerForTests } from "@/lib/log";
import { route } from "@/lib/web/route";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString("utf8").split("\n")) if (l.trim()) lines.push(JSON.parse(l));
    done();
  },
});

let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb({ LOG_LEVEL: "warn" });
  resetConfigForTests();
  resetLoggerForTests(sink);
});
afterAll(async () => {
  resetLoggerForTests();
  await t.cleanup();
});

const PARAM = "sekrit-param-value-4711";

async function failingRoute(query: ReturnType<typeof sql>) {
  const handler = route({ name: "GET /test/db-error", access: "public" }, async () => {
    await (await getDb()).execute(query);
    return { ok: true };
  });
  const res = await handler(new Request("http://localhost:3000/test/db-error"), { params: Promise.resolve({}) });
  const body = (await res.json()) as { code: string; requestId: string };
  await new Promise((r) => setImmediate(r));
  const line = lines.find((l) => l.requestId === body.requestId);
  return { res, body, line };
}

describe("the 500 log line of a failed query", () => {
  it("names the PostgreSQL cause (message and code) and never the parameter values", async () => {
    const { res, body, line } = await failingRoute(sql`select ${PARAM}::uuid`);
    expect(res.status).toBe(500);
    expect(body.code).toBe("internal");
    expect(line, "a log line with the request id").toBeDefined();
    expect(line).toMatchObject({
      level: 50,
      error: {
        message: "Failed query: select $1::uuid",
        cause: { code: "22P02", message: expect.stringContaining("invalid input syntax for type uuid") },
      },
    });
    expect(JSON.stringify(line)).not.toContain(PARAM);
  });

  it("keeps what identifies the failing object (relation, constraint)", async () => {
    const { line } = await failingRoute(sql`select * from no_such_table where x = ${PARAM}`);
    expect(line).toMatchObject({
      error: { cause: { code: "42P01", message: 'relation "no_such_table" does not exist' } },
    });
    expect(JSON.stringify(line)).not.toContain(PARAM);
  });

  it("leaves out the detail of a constraint violation (it quotes the row's values)", async () => {
    const db = await getDb();
    await db.execute(sql`create table t_unique (k text primary key)`);
    await db.execute(sql`insert into t_unique values (${PARAM})`);
    const { line } = await failingRoute(sql`insert into t_unique values (${PARAM})`);
    expect(line).toMatchObject({ error: { cause: { code: "23505", constraint: "t_unique_pkey" } } });
    expect(JSON.stringify(line)).not.toContain(PARAM);
  });
});
