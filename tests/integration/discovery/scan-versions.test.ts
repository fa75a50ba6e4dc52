// Per-version metadata of secrets, certificates and keys: a scan of the tiny estate (real SDKs against the local cloud)
// stores each object's newest versions — id, times, enabled — exactly as the cloud holds them, and never a value.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db/client";
import { assets, vaults } from "@/lib/db/schema";
import { MAX_VERSIONS_KEPT } from "@/lib/discovery/asset-rows";
import type { KvVersion } from "../../cloud/estate";
import { runScan, setupDiscovery, type Env } from "./helpers";

let env: Env;
beforeAll(async () => {
  env = await setupDiscovery({ estate: "tiny" });
});
afterAll(async () => {
  await env?.stop();
});

const KINDS = [
  ["secrets", "secret"],
  ["certificates", "certificate"],
  ["keys", "key"],
] as const;

const sec = (s: number | undefined) => s ?? null;

/** What the inventory should hold for a cloud object: newest first, at most MAX_VERSIONS_KEPT. */
function expected(vs: KvVersion[]) {
  return [...vs]
    .sort((a, b) => b.created - a.created)
    .slice(0, MAX_VERSIONS_KEPT)
    .map((v) => ({
      id: v.version,
      created: v.created,
      updated: v.updated,
      enabled: v.enabled,
      notBefore: sec(v.nbf),
      expires: sec(v.exp),
    }));
}

async function checkAgainstCloud(): Promise<number> {
  const { cloud } = env;
  const db = await getDb();
  let checked = 0;
  for (const c of cloud.control.vaults()) {
    if (!c.reachable || c.access !== "full") continue;
    for (const [ck, t] of KINDS) {
      const rows = await db
        .select()
        .from(assets)
        .where(and(eq(assets.vaultId, c.id.toLowerCase()), eq(assets.type, t)));
      for (const r of rows) {
        const o = cloud.control.object(c.name, ck, r.name);
        const stored = (r.detail as { versions?: unknown[] }).versions;
        expect(stored, `${c.name}/${ck}/${r.name}`).toEqual(expected(o.versions));
        expect(r.versionCount).toBe(o.versions.length);
        checked++;
      }
    }
  }
  return checked;
}

describe("per-version metadata", () => {
  test("a full scan stores every object's versions as the cloud has them, without reading a value", async () => {
    env.cloud.control.resetCounters();
    const run = await runScan({ mode: "full" });
    expect(run.status).toBe("completed_with_errors");
    expect(await checkAgainstCloud()).toBeGreaterThan(10);
    expect(env.cloud.control.count("kv.secrets.get")).toBe(0);
    // some object in the estate has more than one version, so the order is actually tested
    const db = await getDb();
    const multi = (await db.select().from(assets)).filter((a) => (a.versionCount ?? 0) > 1);
    expect(multi.length).toBeGreaterThan(0);
  });

  test("steady-state full and delta scans keep the versions of unchanged objects", async () => {
    env.cloud.control.resetCounters();
    await runScan({ mode: "full" });
    expect(env.cloud.control.count("kv.secrets.versions")).toBe(0);
    await checkAgainstCloud();
    await runScan({ mode: "delta" });
    await checkAgainstCloud();
    expect(env.cloud.control.count("kv.secrets.get")).toBe(0);
  });

  test("a new version is picked up by a delta scan (a changed object gets full detail)", async () => {
    const { cloud } = env;
    const full = cloud.control.vaults().find((c) => c.reachable && c.access === "full")!;
    const name = cloud.control.objects(full.name, "secrets")[0];
    const ver = cloud.control.setSecret(full.name, name, "rotated-value", {
      exp: Math.floor(Date.now() / 1000) + 86400,
    });
    cloud.control.resetCounters();
    await runScan({ mode: "delta" });
    await checkAgainstCloud();
    const db = await getDb();
    const [row] = await db
      .select()
      .from(assets)
      .where(and(eq(assets.vaultId, full.id.toLowerCase()), eq(assets.name, name)));
    expect((row.detail as { versions: { id: string }[] }).versions[0].id).toBe(ver.version);
    expect(JSON.stringify(await db.select().from(assets))).not.toContain("rotated-value");
    expect(await db.select().from(vaults)).not.toHaveLength(0);
    expect(cloud.control.count("kv.secrets.get")).toBe(0);
  });
});
