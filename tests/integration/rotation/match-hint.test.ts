// "Match by hint" with the real SDKs against the local cloud: off unless an Admin allows it; when allowed, an
// Operator's run reads candidate values in memory, records only the match (a suggestion to confirm) and the read in
// the audit log — the value itself appears nowhere.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";
import { decideLink, listAppLinks, matchByHint } from "@/lib/rotation";
import { updateSetting } from "@/lib/settings/store";
import { allDatabaseText, runScan, setupDiscovery, userCtx, type Env } from "../discovery/helpers";
import { operator } from "./helpers";

let env: Env;
let appObjectId: string;
let vault: string;
let secretText: string;
const NAME = "ops-service-principal-credential";

beforeAll(async () => {
  env = await setupDiscovery({ estate: "tiny" });
  const c = env.cloud.control;
  // an app none of whose secrets is linked, and a copy of its current secret under a name that does not mention it
  const linked = new Set(c.appLinks().map((l) => l.appId));
  const app = c.apps().find((a) => a.passwordCredentials.length > 0 && !linked.has(a.appId))!;
  appObjectId = app.id;
  secretText = c.app(app.appId).passwordCredentials.at(-1)!.secretText;
  vault = c.vaults().find((v) => v.reachable && v.access === "full")!.name;
  c.setSecret(vault, NAME, secretText);
  await runScan({ mode: "full" });
}, 180_000);
afterAll(async () => {
  await env?.stop();
});

const link = async () =>
  (await listAppLinks({ ctx: operator(), input: { appObjectId } })).links.find(
    (l) => l.secret.vaultName === vault && l.secret.name === NAME,
  );

describe("match by hint", () => {
  test("is off by default: refused, and nothing is read", async () => {
    env.cloud.control.resetCounters();
    await expect(matchByHint({ ctx: operator(), input: { appObjectId } })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/Settings → Rotation/),
    });
    expect(env.cloud.control.count("kv.secrets.get")).toBe(0);
    expect(await link()).toBeUndefined();
  });

  test("when allowed: the secret holding the app's value becomes a suggestion; only the match and the read are kept", async () => {
    const admin = userCtx("CertifyClouds.Admin");
    await updateSetting({
      ctx: admin,
      input: {
        key: "rotation.policy",
        value: { validityDays: 180, overlapHours: 24, namingPatterns: ["{appSlug}-client-secret"], matchByHint: true },
      },
    });
    env.cloud.control.resetCounters();
    const r = await matchByHint({ ctx: operator(), input: { appObjectId } });
    expect(r.matches).toEqual([expect.objectContaining({ vaultName: vault, secretName: NAME })]);
    expect(r.read).toBeLessThanOrEqual(50);
    // one value read per candidate read (a second attempt only on a transient fault)
    const gets = env.cloud.control.count("kv.secrets.get");
    expect(gets).toBeGreaterThanOrEqual(r.read);
    expect(gets).toBeLessThanOrEqual(2 * r.read);
    expect(await link()).toMatchObject({
      source: "suggested",
      active: false,
      reason: expect.stringMatching(/matched the hint/),
    });
    const db = await getDb();
    const [row] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "rotation.link.hint_checked"), eq(auditLog.targetId, appObjectId)));
    expect(row.details).toMatchObject({ valueRead: true, matches: [`${vault}/${NAME}`] });
    expect((row.details as { secretsRead: string[] }).secretsRead).toContain(`${vault}/${NAME}`);
    // canary: the value read is nowhere in the database or the logs
    expect((await allDatabaseText()).join("\n")).not.toContain(secretText);
    expect(env.logs.join("")).not.toContain(secretText);
  });

  test("an Operator confirms the suggestion: it becomes an active link; a Viewer cannot run the match", async () => {
    const l = (await link())!;
    await decideLink({
      ctx: operator(),
      input: { appObjectId, vaultId: l.secret.vaultId, secretName: NAME, decision: "confirmed" },
    });
    expect(await link()).toMatchObject({ source: "confirmed", active: true });
    await expect(matchByHint({ ctx: userCtx("CertifyClouds.Viewer"), input: { appObjectId } })).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});
