/** Top risks and leftovers: urgency across types, effective app credentials, long-expired clutter kept apart. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/lib/db/client";
import { appCredentials, appRegistrations, assets, subscriptions, vaults } from "@/lib/db/schema";
import { listApps } from "@/lib/inventory/apps";
import { dashboardSummary } from "@/lib/inventory/dashboard-summary";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { NOW, viewerCtx } from "./seed";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const SUB = "cccccccc-0000-0000-0000-000000000003";
const VAULT = `/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv-risk`;

type A = typeof assets.$inferInsert;
const object = (name: string, type: A["type"], status: A["status"], expiresIn: number, extra: Partial<A> = {}): A => ({
  vaultId: VAULT,
  subscriptionId: SUB,
  type,
  name,
  objectId: `https://kv-risk.vault.azure.net/${type}s/${name}`,
  currentVersion: "0123456789abcdef0123456789abcdef",
  status,
  expiresOn: at(expiresIn),
  updatedOn: at(-30 * DAY),
  createdOn: at(-400 * DAY),
  versionCount: 1,
  ...extra,
});

type C = typeof appCredentials.$inferInsert;
const cred = (
  app: string,
  keyId: string,
  type: C["type"],
  status: C["status"],
  end: number,
  start = -500 * DAY,
): C => ({
  appObjectId: app,
  keyId,
  type,
  displayName: keyId,
  startDateTime: at(start),
  endDateTime: at(end),
  status,
});

let t: TestDb;
let db: Db;
beforeAll(async () => {
  t = await setupTestDb();
  db = await getDb();
  await db.insert(subscriptions).values({ id: SUB, displayName: "Risk", state: "Enabled" });
  await db.insert(vaults).values({
    id: VAULT,
    subscriptionId: SUB,
    resourceGroup: "rg",
    name: "kv-risk",
    location: "westeurope",
    vaultUri: "https://kv-risk.vault.azure.net/",
    accessStatus: "ok",
  });
  await db
    .insert(assets)
    .values([
      object("tls-edge", "certificate", "critical", 1 * HOUR),
      ...Array.from({ length: 12 }, (_, i) => object(`warn-${i}`, "secret", "warning", (18 + i) * DAY)),
      object("expired-10d", "secret", "expired", -10 * DAY),
      object("expired-400d", "secret", "expired", -400 * DAY),
      object("disabled-soon", "secret", "critical", 1 * DAY, { enabled: false }),
    ]);
  await db.insert(appRegistrations).values([
    { id: "rotated", kind: "application", appId: "a0000000-0000-0000-0000-000000000001", displayName: "Rotated" },
    {
      id: "just-rotated",
      kind: "application",
      appId: "a0000000-0000-0000-0000-000000000002",
      displayName: "Just rotated",
    },
    { id: "two-kinds", kind: "application", appId: "a0000000-0000-0000-0000-000000000003", displayName: "Two kinds" },
    { id: "not-yet", kind: "application", appId: "a0000000-0000-0000-0000-000000000004", displayName: "Not yet" },
    {
      id: "gone",
      kind: "application",
      appId: "a0000000-0000-0000-0000-000000000005",
      displayName: "Gone",
      removedAt: at(-DAY),
    },
  ]);
  await db.insert(appCredentials).values([
    // the case: the old secret expired 392 days ago, the current one is healthy for 494 days
    cred("rotated", "old", "password", "expired", -392 * DAY),
    cred("rotated", "current", "password", "healthy", 494 * DAY),
    // replaced two days before it expired: the leftover is not an incident
    cred("just-rotated", "old", "password", "expired", -2 * DAY),
    cred("just-rotated", "new", "password", "healthy", 700 * DAY, -3 * DAY),
    // a healthy certificate does not save a secret that a client may be configured with
    cred("two-kinds", "secret", "password", "critical", 3 * DAY),
    cred("two-kinds", "cert", "certificate", "healthy", 300 * DAY),
    // the replacement starts tomorrow: until then the expired secret is still the one in use
    cred("not-yet", "old", "password", "expired", -5 * DAY),
    cred("not-yet", "next", "password", "healthy", 365 * DAY, DAY),
    cred("gone", "x", "password", "expired", -1 * DAY),
  ]);
});
afterAll(async () => t.cleanup());

describe("top risks", () => {
  it("rank by closeness to expiry across types: the certificate due in an hour first, leftovers kept out", async () => {
    const d = await dashboardSummary({ ctx: viewerCtx, input: { topRisks: 6 }, now: NOW });
    const label = (r: (typeof d.risks.ranked)[number]) =>
      r.kind === "object" ? r.name : `${r.appName}/${r.displayName}`;
    expect(d.risks.ranked.map(label)).toEqual([
      "tls-edge",
      "Two kinds/secret",
      "Not yet/old",
      "expired-10d",
      "warn-0",
      "warn-1",
    ]);
  });

  it("lists long-expired objects and superseded credentials as leftovers, oldest first, with their total", async () => {
    const d = await dashboardSummary({ ctx: viewerCtx, input: {}, now: NOW });
    const l = d.risks.leftovers;
    expect(l.total).toBe(3);
    expect(l.items.map((r) => (r.kind === "object" ? r.name : `${r.appName}/${r.displayName}`))).toEqual([
      "expired-400d",
      "Rotated/old",
      "Just rotated/old",
    ]);
  });
});

describe("app list", () => {
  it("judges an app by its effective credentials: a superseded expired secret does not make it expired", async () => {
    const { rows } = await listApps({ ctx: viewerCtx, input: {}, now: NOW });
    const byName = Object.fromEntries(rows.map((r) => [r.displayName, r]));
    expect(byName["Rotated"]).toMatchObject({ status: "healthy", expired: 0, leftovers: 1 });
    expect(byName["Rotated"].nextEnd).toEqual(at(494 * DAY));
    expect(byName["Just rotated"]).toMatchObject({ status: "healthy", leftovers: 1 });
    expect(byName["Two kinds"]).toMatchObject({ status: "critical", critical: 1 });
    expect(byName["Two kinds"].nextEnd).toEqual(at(3 * DAY));
    expect(byName["Not yet"]).toMatchObject({ status: "expired", expired: 1, leftovers: 0 });
  });

  it("filters on the effective status", async () => {
    const expired = await listApps({ ctx: viewerCtx, input: { status: "expired" }, now: NOW });
    expect(expired.rows.map((r) => r.displayName)).toEqual(["Not yet"]);
  });
});
