import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { auditLog } from "../db/schema";
import { chainHead } from "./export";
import type { AnchorRef } from "./export-format";

/** Apart from anchor.ts, which loads the Azure SDKs: audit:verify imports this one and the cloud only when configured. */
export type AnchorCheck = { ok: true; anchor: AnchorRef | null } | { ok: false; anchor: AnchorRef; reason: string };

/** Does the live chain still hold the anchored row with the anchored hash? */
export async function checkAgainstAnchor(db: DbOrTx, anchor: AnchorRef | null): Promise<AnchorCheck> {
  if (!anchor) return { ok: true, anchor };
  const [row] = await db.select({ hash: auditLog.hash }).from(auditLog).where(eq(auditLog.seq, anchor.seq));
  if (!row) {
    const head = await chainHead(db);
    return {
      ok: false,
      anchor,
      reason: `the chain ends at row ${head?.seq ?? 0} but row ${anchor.seq} was anchored at ${anchor.at}: the newest rows were deleted`,
    };
  }
  if (row.hash !== anchor.hash)
    return { ok: false, anchor, reason: `row ${anchor.seq} does not carry the anchored hash: the chain was rewritten` };
  return { ok: true, anchor };
}
