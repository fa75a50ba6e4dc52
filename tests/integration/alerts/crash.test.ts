// A process killed (SIGKILL) right after the outbox row committed with its event: after a restart the row is delivered
// exactly once. Needs PostgreSQL (two processes on one database); on PGlite delivery.test.ts covers the lapsed lease.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createChannel, createRule, deliverDue } from "@/lib/alerts";
import { systemCtx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { alertOutbox } from "@/lib/db/schema";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { adminCtx } from "./fixtures";
import { startHttpReceiver, type HttpReceiver } from "./receivers";

const onPostgres = !!(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL);
let testDb: TestDb;
let rx: HttpReceiver;
beforeAll(async () => {
  if (!onPostgres) return;
  testDb = await setupTestDb({ ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32" });
  await getDb();
  rx = await startHttpReceiver();
});
afterAll(async () => {
  await rx?.close();
  await testDb?.cleanup();
});

test.skipIf(!onPostgres)("killed between the outbox write and the delivery: delivered once after restart", async () => {
  const ctx = adminCtx();
  const ch = await createChannel({ ctx, input: { name: "hook", kind: "webhook", secrets: { url: `${rx.url}/c` } } });
  await createRule({ ctx, input: { name: "Rotation", types: ["rotation.failed"], channelIds: [ch.id] } });
  const child = spawn(process.execPath, ["--import", "tsx", "tests/integration/alerts/crash-child.ts"], {
    env: { ...process.env, DATABASE_URL: testDb.url!, SCHEDULER_IN_PROCESS: "false" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("committed") && resolve());
    child.on("exit", (code) => reject(new Error(`child exited early (${code})`)));
  });
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const db = await getDb();
  const rows = await db.select().from(alertOutbox);
  expect(rows.map((r) => r.status)).toEqual(["pending"]);
  expect(rx.requests).toHaveLength(0);

  // "restart": a fresh delivery run
  expect(await deliverDue(systemCtx("alert-delivery"), { worker: "after-restart" })).toEqual({
    delivered: 1,
    retried: 0,
    failed: 0,
  });
  expect(await deliverDue(systemCtx("alert-delivery"), { worker: "after-restart" })).toEqual({
    delivered: 0,
    retried: 0,
    failed: 0,
  });
  expect(rx.requests.map((r) => r.headers["webhook-id"])).toEqual([rows[0].id]);
});
