import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import type { Ctx } from "@/lib/context";
import { auditTargetNames } from "@/lib/inventory/audit-targets";
import {
  CREDENTIALS_CSV_HEADER,
  exportCredentialsCsv,
  exportVaultsCsv,
  VAULTS_CSV_HEADER,
} from "@/lib/inventory/export-more";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { anonCtx, NOW, seedInventory, V_DEV, V_PAY, viewerCtx } from "./seed";

let t: TestDb;
let scanId: string;
beforeAll(async () => {
  t = await setupTestDb();
  ({ scanId } = await seedInventory(await getDb()));
});
afterAll(async () => t.cleanup());

const auditorCtx: Ctx = {
  ...viewerCtx,
  actor: { ...(viewerCtx.actor as Extract<Ctx["actor"], { type: "user" }>), roles: ["CertifyClouds.Auditor"] },
};

async function lines(it: AsyncGenerator<string>): Promise<string[][]> {
  let out = "";
  for await (const chunk of it) out += chunk;
  return out
    .trimEnd()
    .split("\r\n")
    .map((l) => l.split(","));
}

describe("the dashboard's app credential and vault posture exports", () => {
  it("lists every app credential with its days to expiry as a number and whether it is the effective one", async () => {
    const [header, ...rows] = await lines(exportCredentialsCsv({ ctx: viewerCtx, input: {}, now: NOW }));
    expect(header).toEqual(CREDENTIALS_CSV_HEADER);
    expect(rows).toHaveLength(3);
    const col = (name: string) => CREDENTIALS_CSV_HEADER.indexOf(name);
    const old = rows.find((r) => r[col("credential_name")] === "old")!;
    expect(old[col("application")]).toBe("Legacy Portal");
    expect(old[col("days_to_expiry")]).toBe("-1");
    expect(old[col("status")]).toBe("expired");
    const prod = rows.find((r) => r[col("credential_name")] === "prod")!;
    expect(prod[col("credential_type")]).toBe("client secret");
    expect(prod[col("effective")]).toBe("true");
    expect(prod[col("owners")]).toBe("alice@contoso.example");
  });

  it("lists every vault's posture", async () => {
    const [header, ...rows] = await lines(exportVaultsCsv({ ctx: viewerCtx, input: {} }));
    expect(header).toEqual(VAULTS_CSV_HEADER);
    const col = (name: string) => VAULTS_CSV_HEADER.indexOf(name);
    const pay = rows.find((r) => r[col("resource_id")] === V_PAY)!;
    expect(pay[col("vault")]).toBe("kv-payments");
    expect(pay[col("authorization")]).toBe("rbac");
    expect(pay[col("purge_protection")]).toBe("true");
    expect(rows.map((r) => r[col("vault")]).sort()).toEqual(["kv-dev-locked", "kv-payments", "kv-web"]);
  });

  it("refuses callers without a role", async () => {
    await expect(exportVaultsCsv({ ctx: anonCtx, input: {} }).next()).rejects.toMatchObject({
      code: "unauthenticated",
    });
    await expect(exportCredentialsCsv({ ctx: anonCtx, input: {} }).next()).rejects.toMatchObject({
      code: "unauthenticated",
    });
  });
});

describe("audit target names", () => {
  it("names vaults and scans of a page of audit entries", async () => {
    const names = await auditTargetNames({
      ctx: auditorCtx,
      input: { vaults: [V_DEV.toUpperCase(), "/subscriptions/x/gone"], scans: [scanId] },
    });
    expect(names.vaults).toEqual({ [V_DEV]: "kv-dev-locked" });
    expect(names.scans[scanId]).toMatchObject({ mode: "full", trigger: "manual" });
  });

  it("needs the audit permission", async () => {
    await expect(auditTargetNames({ ctx: viewerCtx, input: {} })).rejects.toMatchObject({ code: "forbidden" });
  });
});
