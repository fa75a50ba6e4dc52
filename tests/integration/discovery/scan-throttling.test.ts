// The scan under Key Vault's throttling (the local cloud's per-vault and per-subscription limits set low): it slows
// down — per-vault and per-subscription limits cut, new calls paused for the Retry-After — and finishes with exactly
// the inventory of an unthrottled scan: no throttled errors, no object lost.
import { eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db/client";
import { assets, scanErrors, vaults } from "@/lib/db/schema";
import { runScan, setupDiscovery, TEST_RETRY, type Env } from "./helpers";

let env: Env;
beforeAll(async () => {
  env = await setupDiscovery({
    estate: { base: "tiny", vaults: 8, secretsPerVault: 6, certificatesPerVault: 2, keysPerVault: 2, apps: 4 },
  });
});
afterAll(async () => {
  await env?.stop();
});

async function inventory() {
  const db = await getDb();
  const rows = await db
    .select({ vault: vaults.name, type: assets.type, name: assets.name })
    .from(assets)
    .innerJoin(vaults, eq(vaults.id, assets.vaultId))
    .where(isNull(assets.removedAt));
  return rows.map((r) => `${r.vault}/${r.type}/${r.name}`).sort();
}

const errorKinds = async (scanId: string) =>
  (await (await getDb()).select().from(scanErrors).where(eq(scanErrors.scanId, scanId))).map((e) => e.kind).sort();

describe("throttling", () => {
  test("the scan slows down under 429s and loses nothing", async () => {
    // a first scan on an empty inventory (every detail call made), a few calls per vault and per subscription every
    // 10 s: every vault is throttled more than once
    env.cloud.control.setThrottling({ enabled: true, kv: { perVaultPer10s: 8, perSubscriptionPer10s: 16 } });
    env.cloud.control.resetCounters();
    const t0 = Date.now();
    const run = await runScan(
      { mode: "full" },
      // Retry-After is up to 10 s here: the policy must wait for it rather than fail the call
      { retry: { ...TEST_RETRY, attempts: 10, maxRetryAfterMs: 15_000, timeoutMs: 5_000 } },
    );
    const ms = Date.now() - t0;
    const throttled = env.cloud.control.log({ service: "kv" }).filter((e) => e.status === 429).length;
    const got = await inventory();

    // the same estate scanned without throttling: the same inventory, the same errors
    env.cloud.control.setThrottling(false);
    const base = await runScan({ mode: "full" });
    expect(got.length).toBeGreaterThan(40);
    expect(await inventory()).toEqual(got);
    expect(run.status).toBe(base.status);
    expect(await errorKinds(run.id)).toEqual(await errorKinds(base.id));
    expect(await errorKinds(run.id)).not.toContain("throttled");

    expect(throttled).toBeGreaterThan(0);
    const c = run.stats.concurrency!;
    expect(c.adaptive).toBe(true);
    expect(c.throttled).toBeGreaterThan(0);
    expect(c.vaultsSlowed).toBeGreaterThan(0);
    expect(c.subscriptionsSlowed).toBeGreaterThan(0);
    expect(c.pausedMs).toBeGreaterThan(0);
    // the scan-wide limit is never cut below the configured one by a vault's or a subscription's 429s
    expect(c.global.low).toBe(c.global.start);
    // it waited for Key Vault's windows instead of failing: at least one 10-second window went by
    expect(ms).toBeGreaterThan(9_000);
  }, 180_000);
});
