/** The rotations the product ran in the period (started or finished in it), in scope by the vaults they wrote. */
import { and, asc, gte, lte, or } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { rotations } from "../db/schema";
import type { EvidenceData } from "./evidence-data";

const subscriptionOf = (vaultId: string) => /\/subscriptions\/([^/]+)/i.exec(vaultId)?.[1]?.toLowerCase() ?? null;

export async function rotationsSection(
  db: DbOrTx,
  subs: string[],
  period: { from: Date; to: Date },
): Promise<NonNullable<EvidenceData["rotations"]>> {
  const rows = await db
    .select()
    .from(rotations)
    .where(
      or(
        and(gte(rotations.createdAt, period.from), lte(rotations.createdAt, period.to)),
        and(gte(rotations.finishedAt, period.from), lte(rotations.finishedAt, period.to)),
      ),
    )
    .orderBy(asc(rotations.createdAt));
  return {
    enabled: true,
    rows: rows
      .filter((r) => !subs.length || r.targets.some((t) => subs.includes(subscriptionOf(t.vaultId) ?? "")))
      .map((r) => ({
        at: `${r.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
        object: `${r.appDisplayName}${r.trigger === "auto" ? " (automatic)" : ""} → ${r.targets.map((t) => `${t.vaultName}/${t.secretName}`).join(", ") || "no Key Vault secret"}`,
        outcome:
          r.state === "done"
            ? `completed${r.finishedAt ? ` ${r.finishedAt.toISOString().slice(0, 10)}` : ""}`
            : r.state === "held"
              ? `held: ${r.heldReason ?? "waiting for an Operator"}`
              : r.state === "cancelled"
                ? `rejected${r.decidedBy ? ` by ${r.decidedBy}` : ""} before it started`
                : r.state === "awaiting_approval"
                  ? "awaiting an Admin's approval"
                  : `in progress (${r.state})`,
      })),
  };
}
