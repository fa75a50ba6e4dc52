/**
 * The audit export and the chain-head anchor (ADR 0007): an exported file verifies offline and names the first row
 * that was altered; a file cut short or padded fails; and deleting the newest rows of the live chain — which leaves a
 * shorter chain that still verifies on its own — fails against the anchor written to a Key Vault secret in the local
 * cloud through the product's identity.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAgainstAnchor, latestAnchor, writeAuditAnchor } from "@/lib/audit/anchor";
import { deriveAuditMacKey } from "@/lib/audit/chain";
import { exportAuditJsonl } from "@/lib/audit/export";
import { audit } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";
import { verifyAuditExport } from "@/lib/audit/verify-export";
import { getConfig, resetConfigForTests } from "@/lib/config";
import { systemCtx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { setupDiscovery, userCtx, type Env } from "../discovery/helpers";

const ROOT = path.resolve(__dirname, "../../..");
let env: Env;
let dir: string;
let exported: string;

async function collect(it: AsyncGenerator<string>): Promise<string> {
  let s = "";
  for await (const c of it) s += c;
  return s;
}

const verifyText = (text: string, withKey = true) =>
  verifyAuditExport(text.split("\n"), { macKey: withKey ? deriveAuditMacKey(getConfig().secretKey) : null });

beforeAll(async () => {
  env = await setupDiscovery();
  const vault = env.cloud.control.vaults().find((v) => v.access === "full" && v.reachable)!;
  env.cloud.control.addRoleAssignment(vault.name, env.cloud.estate.productIdentity.oid, "Key Vault Secrets Officer");
  process.env.AUDIT_ANCHOR_VAULT_URL = vault.vaultUri;
  resetConfigForTests();
  for (let i = 0; i < 6; i++) await audit(systemCtx("test"), { action: `test.row.${i}`, details: { i } });
  exported = await collect(exportAuditJsonl({ ctx: userCtx("CertifyClouds.Auditor"), input: {} }));
  dir = mkdtempSync(path.join(tmpdir(), "cc-export-"));
}, 60_000);
afterAll(async () => env?.stop());

describe("audit export", () => {
  it("is one row per line with hash and MAC, then a MAC'd manifest with the chain head", async () => {
    const lines = exported
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, -1).every((l) => l.type === "row" && /^[0-9a-f]{64}$/.test(l.hash) && l.mac)).toBe(true);
    const m = lines.at(-1);
    expect(m).toMatchObject({ type: "manifest", rowCount: 6, firstSeq: 1, lastSeq: 6, head: { seq: 6 } });
    expect((await verifyText(exported)).ok).toBe(true);
  });

  it("a tampered row is named by seq; the chain hashes alone catch it without the key", async () => {
    const lines = exported.split("\n");
    lines[2] = lines[2].replace('"test.row.2"', '"test.row.X"');
    for (const withKey of [true, false]) {
      const r = await verifyText(lines.join("\n"), withKey);
      expect(r.ok).toBe(false);
      expect(r.firstBad).toMatchObject({ seq: 3, line: 3, reason: expect.stringContaining("altered") });
    }
  });

  it("a row whose hash was recomputed is caught by its MAC", async () => {
    const lines = exported.split("\n");
    const row = JSON.parse(lines[5]);
    row.actorId = "someone-else";
    const { rowHash } = await import("@/lib/audit/chain");
    const { chainedFields } = await import("@/lib/audit/chain");
    row.hash = rowHash(row.prevHash, chainedFields(row));
    lines[5] = JSON.stringify(row);
    const r = await verifyText(lines.join("\n"));
    expect(r.firstBad).toMatchObject({ seq: 6, reason: expect.stringContaining("MAC does not match") });
  });

  it("a removed row, a missing manifest and an altered manifest all fail", async () => {
    const lines = exported.trim().split("\n");
    expect((await verifyText([...lines.slice(0, 3), ...lines.slice(4)].join("\n"))).firstBad?.reason).toMatch(
      /row 4 is missing/,
    );
    expect((await verifyText(lines.slice(0, -2).join("\n"))).firstBad?.reason).toMatch(/no manifest/);
    expect((await verifyText([...lines.slice(0, -2), lines.at(-1)!].join("\n"))).firstBad?.reason).toMatch(
      /manifest says 6 rows/,
    );
    const m = JSON.parse(lines.at(-1)!);
    m.exportedBy = "nobody";
    expect((await verifyText([...lines.slice(0, -1), JSON.stringify(m)].join("\n"))).firstBad?.reason).toMatch(
      /manifest MAC/,
    );
  });

  it("npm run audit:verify -- --file names the first bad row offline", () => {
    const good = path.join(dir, "good.jsonl");
    const bad = path.join(dir, "bad.jsonl");
    writeFileSync(good, exported);
    writeFileSync(bad, exported.replace('"test.row.4"', '"test.row.Y"'));
    const run = (file: string) =>
      spawnSync(
        process.execPath,
        [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "lib/audit/verify-cli.ts"), "--file", file],
        {
          cwd: dir,
          env: {
            PATH: process.env.PATH!,
            APP_ENV: "development",
            LOG_LEVEL: "silent",
            SECRET_KEY: process.env.SECRET_KEY!,
          } as unknown as NodeJS.ProcessEnv,
          encoding: "utf8",
          timeout: 60_000,
        },
      );
    const ok = run(good);
    expect(ok.stdout).toMatch(/audit export OK: 6 rows/);
    expect(ok.status).toBe(0);
    const broken = run(bad);
    expect(broken.stderr).toMatch(/BROKEN at row 5 \(line 5\): content does not match its hash/);
    expect(broken.status).toBe(1);
    expect(readFileSync(good, "utf8")).toBe(exported);
  }, 60_000);
});

describe("chain-head anchor", () => {
  it("writes the head as a new secret version through the product identity; an unchanged head writes nothing", async () => {
    const first = await writeAuditAnchor({ ctx: systemCtx("audit-anchor") });
    expect(first).toMatchObject({ status: "written", anchor: { seq: 6 } });
    expect(await writeAuditAnchor({ ctx: systemCtx("audit-anchor") })).toEqual({ status: "unchanged" });
    await audit(systemCtx("test"), { action: "test.row.after" });
    const second = await writeAuditAnchor({ ctx: systemCtx("audit-anchor") });
    expect(second).toMatchObject({ status: "written", anchor: { seq: 8 } });
    const latest = await latestAnchor();
    expect(latest).toMatchObject({ seq: 8 });
    expect(latest!.location).toContain("/secrets/certifyclouds-audit-anchor/");
    const exp = await collect(exportAuditJsonl({ ctx: userCtx("CertifyClouds.Auditor"), input: {}, anchor: latest }));
    expect((await verifyText(exp)).ok).toBe(true);
  });

  it("deleting the newest rows leaves a valid shorter chain, but verify fails against the anchor", async () => {
    const db = await getDb();
    expect((await checkAgainstAnchor(db, await latestAnchor())).ok).toBe(true);
    // what a database administrator can do: switch the append-only trigger off and cut the tail
    await db.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
    await db.execute(sql`delete from audit_log where seq >= 7`);
    await db.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
    expect((await verifyAuditChain(db)).ok).toBe(true);
    const check = await checkAgainstAnchor(db, await latestAnchor());
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(/chain ends at row 6 but row 8 was anchored.*newest rows were deleted/);
    // and an export made now carries the contradiction in its own manifest
    const exp = await collect(
      exportAuditJsonl({ ctx: userCtx("CertifyClouds.Auditor"), input: {}, anchor: await latestAnchor() }),
    );
    expect((await verifyText(exp)).firstBad?.reason).toMatch(/newest rows were deleted/);
  });

  it("an export needs evidence:export", async () => {
    await expect(collect(exportAuditJsonl({ ctx: userCtx("CertifyClouds.Viewer"), input: {} }))).rejects.toThrow();
  });
});
