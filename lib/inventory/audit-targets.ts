import { inArray } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { VerbArgs } from "../context";
import { dbOf } from "../db/transaction";
import { scanRuns, vaults } from "../db/schema";
import { text } from "../validation";

export const auditTargetNamesInput = z.object({
  vaults: z.array(text(1000)).max(200).default([]),
  scans: z.array(z.uuid()).max(200).default([]),
});

export interface AuditTargetNames {
  /** Vault ARM id (lower case) → vault name. */
  vaults: Record<string, string>;
  /** Scan id → what the scan was, for a readable label. */
  scans: Record<string, { mode: string; trigger: string; createdAt: Date }>;
}

/**
 * Names for the targets of one page of audit entries (vaults by ARM id, scans by id), so the log shows names and
 * links instead of ids. Targets no longer in the inventory are simply absent; the page falls back to the id.
 */
export async function auditTargetNames({ ctx, input }: VerbArgs): Promise<AuditTargetNames> {
  assertPermission(ctx, "audit:read");
  const q = auditTargetNamesInput.parse(input ?? {});
  const db = await dbOf(ctx);
  const vaultIds = [...new Set(q.vaults.map((v) => v.toLowerCase()))];
  const scanIds = [...new Set(q.scans)];
  const [vs, ss] = await Promise.all([
    vaultIds.length
      ? db.select({ id: vaults.id, name: vaults.name }).from(vaults).where(inArray(vaults.id, vaultIds))
      : [],
    scanIds.length
      ? db
          .select({ id: scanRuns.id, mode: scanRuns.mode, trigger: scanRuns.trigger, createdAt: scanRuns.createdAt })
          .from(scanRuns)
          .where(inArray(scanRuns.id, scanIds))
      : [],
  ]);
  return {
    vaults: Object.fromEntries(vs.map((v) => [v.id, v.name])),
    scans: Object.fromEntries(ss.map(({ id, ...s }) => [id, s])),
  };
}
