/** The waivers list: every waiver with its state as of now (an approved waiver past its expiry reads "expired"). */
import { desc } from "drizzle-orm";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { complianceWaivers, type ComplianceWaiver } from "../db/schema";
import { dbOf } from "../db/transaction";

export type WaiverState = "proposed" | "approved" | "rejected" | "expired";

export function waiverState(w: Pick<ComplianceWaiver, "status" | "expiresAt">, now: Date): WaiverState {
  if (w.status === "rejected") return "rejected";
  if (w.expiresAt.getTime() <= now.getTime()) return "expired";
  return w.status;
}

export async function listWaivers({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }) {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const rows = await db.select().from(complianceWaivers).orderBy(desc(complianceWaivers.proposedAt)).limit(500);
  return rows.map((w) => ({ ...w, state: waiverState(w, now) }));
}
