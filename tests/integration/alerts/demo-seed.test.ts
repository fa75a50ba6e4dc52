// The demo's alert seed: one email channel to the demo mailbox and two rules, once (a restart adds nothing).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { listChannels, listRules } from "@/lib/alerts";
import { seedDemoAlerts } from "@/lib/alerts/demo-seed";
import { systemCtx } from "@/lib/context";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { adminCtx } from "./fixtures";

let testDb: TestDb;
beforeAll(async () => {
  testDb = await setupTestDb();
});
afterAll(async () => testDb?.cleanup());

describe("demo alert seed", () => {
  test("creates the mailbox channel and rules routed to owners, once", async () => {
    expect(await seedDemoAlerts(systemCtx("demo-seed"), 2525)).toBe(true);
    expect(await seedDemoAlerts(systemCtx("demo-seed"), 2525)).toBe(false);
    const channels = await listChannels({ ctx: adminCtx() });
    expect(channels).toEqual([expect.objectContaining({ name: "Demo mailbox", kind: "email" })]);
    expect(channels[0].config).toMatchObject({ host: "127.0.0.1", port: 2525, security: "none" });
    const rules = await listRules({ ctx: adminCtx() });
    expect(rules).toHaveLength(2);
    const expiry = rules.find((r) => r.types.includes("secret.expiring"))!;
    expect(expiry).toMatchObject({ ownerTag: "owner", channelIds: [channels[0].id], enabled: true });
    expect(rules.find((r) => r.types.includes("rotation.failed"))).toBeDefined();
  });
});
