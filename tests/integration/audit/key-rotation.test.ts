/**
 * Rotating SECRET_KEY keeps the audit chain verifiable: rows carry their MAC key id, and with SECRET_KEY_PREVIOUS set
 * to the replaced key the rows written before the rotation verify under it — in the database and in an export — while
 * a row written with the replaced key after rows of the new one is reported (a rotation never goes back).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveAuditMacKey } from "@/lib/audit/chain";
import { decodeSecretKey } from "@/lib/secret-key";
import { exportAuditJsonl } from "@/lib/audit/export";
import { audit } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";
import { verifyAuditExport } from "@/lib/audit/verify-export";
import { resetConfigForTests } from "@/lib/config";
import { systemCtx, type Ctx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

let t: TestDb;
let oldKey: string;
const newKey = Buffer.alloc(32, 5).toString("base64");
const useKeys = (current: string, previous?: string) => {
  process.env.SECRET_KEY = current;
  if (previous) process.env.SECRET_KEY_PREVIOUS = previous;
  else delete process.env.SECRET_KEY_PREVIOUS;
  resetConfigForTests();
};
const auditor: Ctx = {
  actor: {
    type: "user",
    userId: "u",
    oid: "o",
    upn: "auditor@contoso.test",
    name: "A",
    roles: ["CertifyClouds.Auditor"],
  },
  request: { requestId: "r" },
};

beforeAll(async () => {
  t = await setupTestDb();
  oldKey = process.env.SECRET_KEY!;
  await getDb();
});
afterAll(async () => {
  useKeys(oldKey);
  await t.cleanup();
});

async function exported(): Promise<string[]> {
  let s = "";
  for await (const c of exportAuditJsonl({ ctx: auditor, input: {} })) s += c;
  return s.split("\n");
}

describe("audit chain across a SECRET_KEY rotation", () => {
  it("verifies rows of the old key only with SECRET_KEY_PREVIOUS, and both keys' rows together", async () => {
    const db = await getDb();
    for (let i = 0; i < 3; i++) await audit(systemCtx("test"), { action: `test.before.${i}` });

    useKeys(newKey);
    const without = await verifyAuditChain(db);
    expect(without.ok).toBe(false);
    expect(without.firstBad).toEqual({ seq: 1, reason: expect.stringMatching(/set SECRET_KEY_PREVIOUS/) });

    useKeys(newKey, oldKey);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rowsChecked: 3 });
    for (let i = 0; i < 2; i++) await audit(systemCtx("test"), { action: `test.after.${i}` });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rowsChecked: 5 });

    // an export made now carries rows of both keys; it verifies with both, not with the new one alone
    const lines = await exported();
    const both = [deriveAuditMacKey(decodeSecretKey(newKey)), deriveAuditMacKey(decodeSecretKey(oldKey))];
    expect(await verifyAuditExport(lines, { macKey: both })).toMatchObject({ ok: true, rowsChecked: 5 });
    const newOnly = await verifyAuditExport(lines, { macKey: both[0] });
    expect(newOnly.ok).toBe(false);
    expect(newOnly.firstBad?.seq).toBe(1);
  });

  it("reports a row of the replaced key written after rows of the new one", async () => {
    const db = await getDb();
    // the old key back in place, as a rollback to an old configuration would do
    useKeys(oldKey, newKey);
    await audit(systemCtx("test"), { action: "test.rolled-back" });
    useKeys(newKey, oldKey);
    const v = await verifyAuditChain(db);
    expect(v.ok).toBe(false);
    expect(v.firstBad).toEqual({ seq: 6, reason: expect.stringMatching(/follows rows of the current key/) });
  });
});
